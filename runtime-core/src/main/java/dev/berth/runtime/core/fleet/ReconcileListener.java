package dev.berth.runtime.core.fleet;

import java.time.Duration;
import java.util.Optional;

/**
 * A hook into a {@link Reconciler}'s passes, e.g. for a metrics binding: pass durations, actions and their
 * latencies, failures by type. Unlike {@link FleetEvent} subscribers, listeners are called synchronously on the
 * reconciler's threads, so they must be quick, non-blocking and thread-safe (updating a counter or a timer is
 * right; sending a message is not). An exception from a listener is logged and otherwise ignored.
 *
 * <pre>{@code
 * Reconciler.builder(runtime, desired).listener(new ReconcileListener() {
 *   public void passFinished(ReconcileReport report) {
 *     passTimer.record(report.took());
 *   }
 * }).build();
 * }</pre>
 */
public interface ReconcileListener {
  /** A pass begins. */
  default void passStarted(ReconcileReport.Trigger trigger) {}

  /**
   * One action on one bot ended; called from the thread that ran it.
   *
   * @param action what was done
   * @param botId to which bot
   * @param took how long the runtime calls took
   * @param failure why it failed; empty when it succeeded
   */
  default void actionTaken(ReconcileReport.Action action, String botId, Duration took,
      Optional<RuntimeException> failure) {}

  /** A pass ended, with what it did; also called for a pass that could not run (see {@code stoppedBy}). */
  default void passFinished(ReconcileReport report) {}
}
