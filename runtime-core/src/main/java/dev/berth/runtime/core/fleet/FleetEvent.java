package dev.berth.runtime.core.fleet;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Something a {@link Reconciler} did or saw, for a service to forward to its message bus. Delivered to
 * {@link Reconciler#subscribe subscribers} on their own threads; a subscriber never slows the reconciler (a
 * full queue drops the event and counts it).
 *
 * <pre>{@code
 * reconciler.subscribe(event -> bus.publish("fleet." + event.type(), event.botId(), event.message()));
 * }</pre>
 *
 * @param type what happened
 * @param botId the bot; empty for {@link Type#RECONCILED}
 * @param timestamp when, by the reconciler's clock
 * @param exitCode the exit code for {@link Type#EXITED}, when the runtime reported one
 * @param message details: the failure's reason, the runtime's note on an exit, a pass's summary; may be empty
 */
public record FleetEvent(Type type, String botId, Instant timestamp, OptionalInt exitCode, String message) {
  /** The kinds of fleet events. */
  public enum Type {
    /** A desired bot that did not exist was created (and is started next). */
    CREATED,
    /** A desired bot that was created but not running, or stopped, was started. */
    STARTED,
    /** A desired bot that had failed was started again, as its restart policy says. */
    RESTARTED,
    /** A bot whose spec changed was deleted and created again from the new spec, then started. */
    RECREATED,
    /** A bot no longer desired was deleted. */
    DELETED,
    /** A pass found that a desired bot had exited (stopped or failed) since the last pass. */
    EXITED,
    /** A desired bot failed or stopped again and again: its restarts now wait ever longer. */
    CRASH_LOOPING,
    /** An action on a bot failed; the message says why. The next pass tries again. */
    ACTION_FAILED,
    /** A pass ended; the message summarises its report. */
    RECONCILED
  }

  public FleetEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(botId, "botId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(message, "message");
  }
}
