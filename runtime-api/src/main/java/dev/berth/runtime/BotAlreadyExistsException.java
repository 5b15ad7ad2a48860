package dev.berth.runtime;

/** {@code create} was called with an id that already names a bot in this scope; nothing was changed. */
public class BotAlreadyExistsException extends WorkloadAlreadyExistsException {
  private static final long serialVersionUID = 1L;

  public BotAlreadyExistsException(String botId, String scope) {
    super(WorkloadKind.BOT, botId, scope, "A bot with id '" + botId + "' already exists in scope '" + scope
        + "'. Delete it first, use update(id, changes), or pick another id.");
  }
}
