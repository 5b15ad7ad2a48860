package dev.berth.runtime;

/** {@code create} was called with an id that already names a bot (or backtest) in this scope. */
public class BotAlreadyExistsException extends BerthException {
  private static final long serialVersionUID = 1L;
  private final String botId;

  public BotAlreadyExistsException(String botId) {
    super("A bot with id '" + botId + "' already exists in this runtime's scope. "
        + "Delete it first, use update(id, changes), or pick another id.");
    this.botId = botId;
  }

  /** The id that is already taken. */
  public String botId() {
    return botId;
  }
}
