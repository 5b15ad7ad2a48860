package dev.berth.runtime;

/** No bot with this id exists in the runtime's scope. */
public class BotNotFoundException extends WorkloadNotFoundException {
  private static final long serialVersionUID = 1L;

  /**
   * The standard message: {@code No bot with id 'x' exists in scope 'default'. Check the id, or create it
   * first with create(spec).}
   */
  public BotNotFoundException(String botId, String scope) {
    this(botId, scope, "No bot with id '" + botId + "' exists in scope '" + scope + "'. "
        + "Check the id, or create it first with create(spec).");
  }

  /** A message of the backend's own that still names the bot and says what to do. */
  public BotNotFoundException(String botId, String scope, String message) {
    super(WorkloadKind.BOT, botId, scope, message);
  }
}
