package dev.berth.runtime.micrometer;

import dev.berth.runtime.core.fleet.ReconcileListener;
import dev.berth.runtime.core.fleet.ReconcileReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** A reconciler's passes (duration by trigger and completeness) and actions (count and latency by outcome). */
final class ReconcileMetrics implements ReconcileListener {
  private final MeterRegistry registry;
  private final Tags tags;

  ReconcileMetrics(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
  }

  @Override
  public void actionTaken(ReconcileReport.Action action, String botId, Duration took,
      Optional<RuntimeException> failure) {
    Timer.builder(BerthMetrics.RECONCILE_ACTIONS).description("Actions of reconcile passes, by action and outcome")
        .tags(tags).tag("action", name(action)).tag("outcome", failure.isPresent() ? "failure" : "success")
        .tag("exception", failure.map(e -> e.getClass().getSimpleName()).orElse("none"))
        .register(registry).record(took);
  }

  @Override
  public void passFinished(ReconcileReport report) {
    Timer.builder(BerthMetrics.RECONCILE_PASSES).description("Reconcile passes, by trigger and outcome")
        .tags(tags).tag("trigger", name(report.trigger()))
        .tag("outcome", report.stoppedBy().isPresent() ? "stopped" : report.failures().isEmpty() ? "complete" : "failures")
        .register(registry).record(report.took());
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
