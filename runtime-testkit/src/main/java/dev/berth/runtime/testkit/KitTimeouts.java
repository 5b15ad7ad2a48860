package dev.berth.runtime.testkit;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every duration the conformance kits wait, in one place, so a slow CI machine stretches all of them with
 * one setting: environment variable {@value #FACTOR_ENV} (or system property {@value #FACTOR_PROPERTY}),
 * a positive number, default 1.
 *
 * <p>Only waits are scaled (how long the kit polls for a state, how long a backtest may run before it is
 * timed out). The stop grace period is not: the kit checks that a stop took at least the grace, and a
 * short grace keeps real-backend runs fast.
 *
 * <p>The kit's fast writer (a bot racing its followers) prints {@value #DEFAULT_FAST_WRITER_LINES} lines;
 * a backend too slow to print or ship that many within the scaled waits may lower the count with
 * environment variable {@value #FAST_WRITER_LINES_ENV} (or system property
 * {@value #FAST_WRITER_LINES_PROPERTY}). A lower count catches fewer races: lower it only as far as needed.
 *
 * <pre>{@code
 * BERTH_TCK_TIMEOUT_FACTOR=3 BERTH_TCK_FAST_WRITER_LINES=50000 ./mvnw -pl runtime-docker test
 * }</pre>
 */
public final class KitTimeouts {
  /** Environment variable with the factor. */
  public static final String FACTOR_ENV = "BERTH_TCK_TIMEOUT_FACTOR";
  /** System property with the factor; wins over the environment variable. */
  public static final String FACTOR_PROPERTY = "berth.tck.timeout-factor";
  /** Environment variable with the number of lines the fast writer prints. */
  public static final String FAST_WRITER_LINES_ENV = "BERTH_TCK_FAST_WRITER_LINES";
  /** System property with the number of lines the fast writer prints; wins over the environment variable. */
  public static final String FAST_WRITER_LINES_PROPERTY = "berth.tck.fast-writer-lines";
  /** Lines the fast writer prints unless {@value #FAST_WRITER_LINES_ENV} says otherwise. */
  public static final int DEFAULT_FAST_WRITER_LINES = 200_000;

  private final double factor;
  private final int fastWriterLines;

  private KitTimeouts(double factor) {
    this(factor, DEFAULT_FAST_WRITER_LINES);
  }

  private KitTimeouts(double factor, int fastWriterLines) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("Timeout factor " + factor + " is not a positive number; set "
          + FACTOR_ENV + " to e.g. 1.5");
    }
    if (fastWriterLines < 1) {
      throw new IllegalArgumentException(FAST_WRITER_LINES_ENV + "=" + fastWriterLines + " is not a positive "
          + "number of lines; use e.g. 50000");
    }
    this.factor = factor;
    this.fastWriterLines = fastWriterLines;
  }

  /**
   * The factor from {@value #FACTOR_PROPERTY} or {@value #FACTOR_ENV}, default 1, and the fast writer's
   * line count from {@value #FAST_WRITER_LINES_PROPERTY} or {@value #FAST_WRITER_LINES_ENV}.
   */
  public static KitTimeouts fromEnvironment() {
    return fromEnvironment(System.getenv(), System.getProperty(FACTOR_PROPERTY),
        System.getProperty(FAST_WRITER_LINES_PROPERTY));
  }

  static KitTimeouts fromEnvironment(Map<String, String> environment, String property) {
    return fromEnvironment(environment, property, null);
  }

  static KitTimeouts fromEnvironment(Map<String, String> environment, String property, String linesProperty) {
    String text = Optional.ofNullable(property).orElse(environment.get(FACTOR_ENV));
    double factor = 1;
    if (text != null && !text.isBlank()) {
      try {
        factor = Double.parseDouble(text.trim().toLowerCase(Locale.ROOT));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(FACTOR_ENV + "='" + text + "' is not a number; use e.g. 2 or 1.5", e);
      }
    }
    String lines = Optional.ofNullable(linesProperty).orElse(environment.get(FAST_WRITER_LINES_ENV));
    if (lines == null || lines.isBlank()) {
      return new KitTimeouts(factor);
    }
    try {
      return new KitTimeouts(factor, Integer.parseInt(lines.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(FAST_WRITER_LINES_ENV + "='" + lines + "' is not a whole number; use "
          + "e.g. 50000", e);
    }
  }

  /** A fixed factor, for kits that know their backend is slow. */
  public static KitTimeouts withFactor(double factor) {
    return new KitTimeouts(factor);
  }

  /** These timeouts with another line count for the fast writer, for kits that know their backend is slow. */
  public KitTimeouts withFastWriterLines(int lines) {
    return new KitTimeouts(factor, lines);
  }

  /** The scaling factor. */
  public double factor() {
    return factor;
  }

  /** {@code base} multiplied by the factor. */
  public Duration scaled(Duration base) {
    return Duration.ofNanos((long) (base.toNanos() * factor));
  }

  /** How long the kit waits for a state change, a log line or a thread to end (15 s × factor). */
  public Duration await() {
    return scaled(Duration.ofSeconds(15));
  }

  /** How long a backtest that should finish quickly may take (60 s × factor). */
  public Duration backtestRun() {
    return scaled(Duration.ofSeconds(60));
  }

  /** The timeout given to a backtest that must time out (2 s × factor). */
  public Duration backtestTimeout() {
    return scaled(Duration.ofSeconds(2));
  }

  /** The grace period of stops the kit measures (1 s, not scaled). */
  public Duration stopGrace() {
    return Duration.ofSeconds(1);
  }

  /** The grace period of stops the kit only needs to complete (2 s × factor). */
  public Duration quickStopGrace() {
    return scaled(Duration.ofSeconds(2));
  }

  /**
   * How long the followers of the fast writer may take to receive its {@link #fastWriterLines()} lines and
   * end (60 s × factor).
   */
  public Duration fastWriterRun() {
    return scaled(Duration.ofSeconds(60));
  }

  /** How long after start the kit's late followers of the fast writer attach (1 s × factor). */
  public Duration lateAttach() {
    return scaled(Duration.ofSeconds(1));
  }

  /** How many lines the kit's fast writer prints ({@value #DEFAULT_FAST_WRITER_LINES} unless configured). */
  public int fastWriterLines() {
    return fastWriterLines;
  }

  /** Pause between two polls. */
  public Duration pollInterval() {
    return Duration.ofMillis(20);
  }

  @Override
  public String toString() {
    return "KitTimeouts[factor=" + factor + ", await=" + await() + ", fastWriterLines=" + fastWriterLines + "]";
  }
}
