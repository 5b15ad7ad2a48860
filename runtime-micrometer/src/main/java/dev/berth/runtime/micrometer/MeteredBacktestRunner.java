package dev.berth.runtime.micrometer;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A {@link BacktestRunner} that times every call of the runner it wraps, counts its errors, and records each
 * submitted backtest's outcome and duration when it ends.
 */
final class MeteredBacktestRunner implements BacktestRunner {
  private final BacktestRunner delegate;
  private final CallMeter calls;
  private final MeterRegistry registry;
  private final Tags tags;

  MeteredBacktestRunner(BacktestRunner delegate, CallMeter calls, MeterRegistry registry, Tags tags) {
    this.delegate = delegate;
    this.calls = calls;
    this.registry = registry;
    this.tags = tags;
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public BacktestExecution submit(BacktestSpec spec) {
    long submitted = System.nanoTime();
    BacktestExecution execution = calls.call("submit", () -> delegate.submit(spec));
    execution.result().whenComplete((result, failure) -> {
      if (result != null) {
        ended(result, Duration.ofNanos(System.nanoTime() - submitted));
      }
    });
    return execution;
  }

  private void ended(BacktestResult result, Duration sinceSubmit) {
    Timer.builder(BerthMetrics.BACKTESTS).description("Ended backtests, by outcome, with their run time")
        .tags(tags).tag("outcome", result.state().name().toLowerCase(Locale.ROOT))
        .register(registry).record(result.duration().orElse(sinceSubmit));
  }

  @Override
  public BacktestStatus status(String backtestId) {
    return calls.call("status", () -> delegate.status(backtestId));
  }

  /** Times opening the stream; reading it is the caller's time. */
  @Override
  public Stream<LogLine> logs(String backtestId, LogOptions options) {
    return calls.call("logs", () -> delegate.logs(backtestId, options));
  }

  @Override
  public void cancel(String backtestId) {
    calls.run("cancel", () -> delegate.cancel(backtestId));
  }

  @Override
  public void delete(String backtestId) {
    calls.run("delete", () -> delegate.delete(backtestId));
  }

  @Override
  public Health health() {
    return calls.call("health", delegate::health);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Metered" + delegate;
  }
}
