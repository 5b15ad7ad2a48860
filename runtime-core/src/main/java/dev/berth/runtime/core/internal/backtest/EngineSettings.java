package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's settings, the same keys on every backend.
 *
 * @param scope the runner's scope
 * @param stateDir a directory of this host for leases and spooled logs (per backend and scope)
 * @param store where results and full logs are stored, if anywhere
 * @param stopGrace SIGTERM-to-SIGKILL grace of a cancel or timeout ({@code stop-grace}, default 10 s)
 * @param logTailLines lines of log kept in a {@link dev.berth.runtime.BacktestResult} and in memory once the
 *     workload is gone ({@code backtest.log-tail-lines}, default 100)
 * @param resultMaxBytes the largest result file collected ({@code backtest.result-max-size}, default 16 MiB)
 * @param sweepInterval how often the runner looks for backtests of its scope whose runner died
 *     ({@code backtest.sweep-interval}, default 10 s)
 */
public record EngineSettings(String scope, Path stateDir, Optional<ObjectStore> store, Duration stopGrace,
    int logTailLines, long resultMaxBytes, Duration sweepInterval) {
  public static final String STOP_GRACE = "stop-grace";
  public static final String LOG_TAIL_LINES = "backtest.log-tail-lines";
  public static final String RESULT_MAX_SIZE = "backtest.result-max-size";
  public static final String SWEEP_INTERVAL = "backtest.sweep-interval";
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
  public static final int DEFAULT_LOG_TAIL_LINES = 100;
  public static final long DEFAULT_RESULT_MAX_BYTES = 16L * 1024 * 1024;
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);

  public EngineSettings {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    if (stopGrace.isNegative()) {
      throw new InvalidConfigException(STOP_GRACE, STOP_GRACE + " = " + stopGrace + " is negative; use 0s or more");
    }
    if (logTailLines < 0) {
      throw new InvalidConfigException(LOG_TAIL_LINES, LOG_TAIL_LINES + " = " + logTailLines
          + " is negative; use 0 or more lines");
    }
    if (resultMaxBytes <= 0) {
      throw new InvalidConfigException(RESULT_MAX_SIZE, RESULT_MAX_SIZE + " = " + resultMaxBytes
          + " is not positive; use a size such as 16m");
    }
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new InvalidConfigException(SWEEP_INTERVAL, SWEEP_INTERVAL + " = " + sweepInterval
          + " is not positive; use a duration such as 10s");
    }
  }

  /** The settings {@code config} gives, with the backend's state directory and store. */
  public static EngineSettings fromConfig(RuntimeConfig config, Path stateDir, Optional<ObjectStore> store) {
    return new EngineSettings(config.scope(), stateDir, store,
        config.stopGrace(),
        config.getInt(LOG_TAIL_LINES, DEFAULT_LOG_TAIL_LINES),
        config.getSize(RESULT_MAX_SIZE, DEFAULT_RESULT_MAX_BYTES),
        config.getDuration(SWEEP_INTERVAL, DEFAULT_SWEEP_INTERVAL));
  }
}
