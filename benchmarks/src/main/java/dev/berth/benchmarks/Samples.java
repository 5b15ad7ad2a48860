package dev.berth.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** Per-cycle timings of one contender, printed as a table row against a baseline. */
final class Samples {
  static final String HEADER = String.format(Locale.ROOT, "  %-44s %10s %10s %14s %7s %6s",
      "path", "median", "p95", "base median", "ratio", "runs");

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
    return percentileMillis(50);
  }

  double percentileMillis(int percent) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percent / 100.0 * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, index))] / 1e6;
  }

  /** One row: median, p95, the baseline's median and the ratio of medians. */
  String row(Samples baseline) {
    return String.format(Locale.ROOT, "  %-44s %7.2f ms %7.2f ms %11.2f ms %6.2fx %6d", name, medianMillis(),
        percentileMillis(95), baseline.medianMillis(), medianMillis() / baseline.medianMillis(), count);
  }

  double p95Millis() {
    return percentileMillis(95);
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
