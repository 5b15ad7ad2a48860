package dev.berth.runtime;

/** No bot (or backtest) with this id exists in the runtime's scope. */
public class BotNotFoundException extends BerthException {
  private static final long serialVersionUID = 1L;
  private final String botId;

  public BotNotFoundException(String botId) {
    this(botId, "No bot with id '" + botId + "' exists in this runtime's scope. "
        + "Check the id, or create it first with create(spec).");
  }

  public BotNotFoundException(String botId, String message) {
    super(message);
    this.botId = botId;
  }

  /** The id that was looked up. */
  public String botId() {
    return botId;
  }
}
