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
 * <pre>{@code
 * BERTH_TCK_TIMEOUT_FACTOR=3 ./mvnw -pl runtime-docker test
 * }</pre>
 */
public final class KitTimeouts {
  /** Environment variable with the factor. */
  public static final String FACTOR_ENV = "BERTH_TCK_TIMEOUT_FACTOR";
  /** System property with the factor; wins over the environment variable. */
  public static final String FACTOR_PROPERTY = "berth.tck.timeout-factor";

  private final double factor;

  private KitTimeouts(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("Timeout factor " + factor + " is not a positive number; set "
          + FACTOR_ENV + " to e.g. 1.5");
    }
    this.factor = factor;
  }

  /** The factor from {@value #FACTOR_PROPERTY} or {@value #FACTOR_ENV}, default 1. */
  public static KitTimeouts fromEnvironment() {
    return fromEnvironment(System.getenv(), System.getProperty(FACTOR_PROPERTY));
  }

  static KitTimeouts fromEnvironment(Map<String, String> environment, String property) {
    String text = Optional.ofNullable(property).orElse(environment.get(FACTOR_ENV));
    if (text == null || text.isBlank()) {
      return new KitTimeouts(1);
    }
    try {
      return new KitTimeouts(Double.parseDouble(text.trim().toLowerCase(Locale.ROOT)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(FACTOR_ENV + "='" + text + "' is not a number; use e.g. 2 or 1.5", e);
    }
  }

  /** A fixed factor, for kits that know their backend is slow. */
  public static KitTimeouts withFactor(double factor) {
    return new KitTimeouts(factor);
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

  /** Pause between two polls. */
  public Duration pollInterval() {
    return Duration.ofMillis(20);
  }

  @Override
  public String toString() {
    return "KitTimeouts[factor=" + factor + ", await=" + await() + "]";
  }
}
