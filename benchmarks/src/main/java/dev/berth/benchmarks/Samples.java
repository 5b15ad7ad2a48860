package dev.berth.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** Per-cycle timings of one contender, printed against a baseline. */
final class Samples {
  private final String name;
  private final long[] nanos;
  private int count;

  Samples(String name, int capacity) {
    this.name = name;
    this.nanos = new long[capacity];
  }

  void add(long elapsedNanos) {
    nanos[count++] = elapsedNanos;
  }

  double meanMillis() {
    return Arrays.stream(nanos, 0, count).average().orElse(Double.NaN) / 1e6;
  }

  double medianMillis() {
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    return count == 0 ? Double.NaN : sorted[count / 2] / 1e6;
  }

  double p95Millis() {
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    return count == 0 ? Double.NaN : sorted[Math.min(count - 1, (int) Math.ceil(count * 0.95) - 1)] / 1e6;
  }

  /** One line: median, p95 and the ratio of medians to the baseline. */
  String percentiles(Samples baseline) {
    return String.format(Locale.ROOT, "  %-28s median %8.2f ms  p95 %8.2f ms  %5.2fx %s (%d runs)",
        name, medianMillis(), p95Millis(), medianMillis() / baseline.medianMillis(), baseline.name, count);
  }

  /** One line: mean, median and the ratio of means to the baseline. */
  String report(Samples baseline) {
    return String.format(Locale.ROOT, "  %-24s mean %7.2f ms  median %7.2f ms  %5.2fx %s (%d cycles)",
        name, meanMillis(), medianMillis(), meanMillis() / baseline.meanMillis(), baseline.name, count);
  }
}
