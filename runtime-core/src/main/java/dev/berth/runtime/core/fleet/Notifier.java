package dev.berth.runtime.core.fleet;

import dev.berth.runtime.core.fleet.ReconcileReport.Action;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells listeners (synchronously) and event subscribers (through their queues) what a pass does. */
final class Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final List<ReconcileListener> listeners;
  private final EventHub events;
  private final Clock clock;

  Notifier(List<ReconcileListener> listeners, EventHub events, Clock clock) {
    this.listeners = listeners;
    this.events = events;
    this.clock = clock;
  }

  void passStarted(ReconcileReport.Trigger trigger) {
    for (ReconcileListener listener : listeners) {
      try {
        listener.passStarted(trigger);
      } catch (RuntimeException e) {
        LOG.warn("ReconcileListener {} failed in passStarted", listener, e);
      }
    }
  }

  void actionTaken(Action action, String botId, Duration took, Optional<RuntimeException> failure) {
    for (ReconcileListener listener : listeners) {
      try {
        listener.actionTaken(action, botId, took, failure);
      } catch (RuntimeException e) {
        LOG.warn("ReconcileListener {} failed in actionTaken", listener, e);
      }
    }
  }

  void passFinished(ReconcileReport report) {
    for (ReconcileListener listener : listeners) {
      try {
        listener.passFinished(report);
      } catch (RuntimeException e) {
        LOG.warn("ReconcileListener {} failed in passFinished", listener, e);
      }
    }
    event(FleetEvent.Type.RECONCILED, "", OptionalInt.empty(), report.summary());
  }

  void event(FleetEvent.Type type, String botId, OptionalInt exitCode, String message) {
    if (events.hasSubscribers()) {
      events.publish(new FleetEvent(type, botId, clock.instant(), exitCode, message));
    }
  }

  void event(FleetEvent.Type type, String botId, String message) {
    event(type, botId, OptionalInt.empty(), message);
  }
}
