package dev.berth.runtime.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Times calls of one API ({@code runtime} or {@code backtests}) per operation, and counts their errors by type. */
final class CallMeter {
  private final MeterRegistry registry;
  private final Tags tags;

  CallMeter(MeterRegistry registry, String api, Tags common) {
    this.registry = registry;
    this.tags = common.and("api", api);
  }

  <T> T call(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      T result = call.get();
      record(operation, start, "success");
      return result;
    } catch (RuntimeException e) {
      record(operation, start, "error");
      Counter.builder(BerthMetrics.ERRORS).description("Failed calls, by operation and exception type")
          .tags(tags).tag("operation", operation).tag("exception", e.getClass().getSimpleName())
          .register(registry).increment();
      throw e;
    }
  }

  void run(String operation, Runnable call) {
    call(operation, () -> {
      call.run();
      return null;
    });
  }

  private void record(String operation, long start, String outcome) {
    Timer.builder(BerthMetrics.CALLS).description("Latency of calls, by operation and outcome")
        .tags(tags).tag("operation", operation).tag("outcome", outcome)
        .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }
}
