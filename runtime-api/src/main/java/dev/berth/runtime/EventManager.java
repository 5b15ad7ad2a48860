package dev.berth.runtime;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Pushes lifecycle events of managed bots as they happen.
 *
 * <pre>{@code
 * try (EventManager.Subscription sub = events.subscribe(BotFilter.ALL, event -> alerts.send(event))) {
 *   ...
 * }
 * }</pre>
 */
public interface EventManager extends Feature {
  /**
   * Delivers events of matching bots to {@code listener}, on one thread per subscription, in order, until
   * the subscription is closed. A listener that throws is logged and keeps receiving.
   */
  Subscription subscribe(BotFilter filter, Consumer<BotEvent> listener);

  /** An open subscription; closing it stops delivery and releases its thread. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** What happened to a bot. */
  enum EventType { CREATED, STARTED, STOPPED, EXITED, FAILED, OOM_KILLED, RESTARTED, DELETED }

  /**
   * One event.
   *
   * @param botId the bot
   * @param type what happened
   * @param timestamp when
   * @param exitCode the exit code for exit events
   * @param message details; empty when none
   */
  record BotEvent(String botId, EventType type, Instant timestamp, OptionalInt exitCode, String message) {
    public BotEvent {
      Objects.requireNonNull(botId, "botId");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(exitCode, "exitCode");
      Objects.requireNonNull(message, "message");
    }
  }
}
