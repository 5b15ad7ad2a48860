package dev.berth.runtime.core.internal.backtest;

import java.time.Duration;

/** Durations as people write them in messages: {@code 2s}, {@code 1.5s}, {@code 20m}, {@code 1h}. */
final class Durations {
  private Durations() {}

  static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis < 1000 ? millis + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
  }
}
