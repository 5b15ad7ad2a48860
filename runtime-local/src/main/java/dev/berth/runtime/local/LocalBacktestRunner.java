package dev.berth.runtime.local;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.internal.backtest.BacktestEngine;
import dev.berth.runtime.core.internal.backtest.EngineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Backtests as host processes: each runs once in {@code <state-dir>/<scope>/backtests/<id>/workspace} (code
 * bundle + {@code config.json}), under the same wrapper as bots (see {@link LocalRuntime}).
 *
 * <pre>{@code
 * try (BacktestRunner runner = LocalBacktestRunner.builder().scope("research").build()) {
 *   BacktestResult result = runner.run(BacktestSpec.builder("bt-1")
 *       .command("python3", "backtest.py").timeout(Duration.ofMinutes(5)).build());
 * }
 * }</pre>
 *
 * <p>The runner is Berth's one backtest engine over host processes: when the workload ends, its result file
 * ({@code resultPath}, default {@code result.json} in the workspace) is returned in the
 * {@link dev.berth.runtime.BacktestResult} and, with an object store, stored at
 * {@code test-results/<scope>/<id>/result.json} next to the full log ({@code output.log}; see
 * {@link dev.berth.runtime.StorageLayout}); then the directory is removed (unless {@code keep}). At the
 * timeout, and on cancel, the whole process tree gets SIGTERM and SIGKILL after {@code stop-grace}. A runner
 * takes over the backtests of its scope whose runner died (it enforces their deadline and collects them).
 */
public final class LocalBacktestRunner {
  private LocalBacktestRunner() {}

  /** A builder with the defaults: {@code ~/.berth/local}, scope {@code default}, a store in {@code ~/.berth/store}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A runner configured by {@code local.*}, {@code scope}, {@code stop-grace}, {@code backtest.*} and {@code store.*} keys. */
  public static BacktestRunner fromConfig(RuntimeConfig config) {
    LocalSettings settings = LocalSettings.fromConfig(config);
    return create(settings, EngineSettings.fromConfig(config, engineDir(settings), settings.objectStore()));
  }

  static BacktestRunner create(LocalSettings settings, EngineSettings engine) {
    return new BacktestEngine<>(new LocalBacktestDriver(settings), engine);
  }

  private static Path engineDir(LocalSettings settings) {
    return settings.scopeDir().resolve("backtest-engine");
  }

  /** Builds a local backtest runner; the settings mean the same as in {@link LocalRuntime.Builder}. */
  public static final class Builder {
    private final LocalRuntime.Builder settings = LocalRuntime.builder();
    private int logTailLines = EngineSettings.DEFAULT_LOG_TAIL_LINES;
    private long resultMaxBytes = EngineSettings.DEFAULT_RESULT_MAX_BYTES;
    private Duration sweepInterval = EngineSettings.DEFAULT_SWEEP_INTERVAL;

    private Builder() {}

    /** Root of all state ({@code local.state-dir}), default {@code ~/.berth/local}. */
    public Builder stateDir(Path stateDir) {
      settings.stateDir(stateDir);
      return this;
    }

    /** The scope whose backtests this runner runs and takes over ({@code scope}), default {@code default}. */
    public Builder scope(String scope) {
      settings.scope(scope);
      return this;
    }

    /** Grace between SIGTERM and SIGKILL when a backtest times out or is cancelled, default 10s. */
    public Builder stopGrace(Duration stopGrace) {
      settings.stopGrace(stopGrace);
      return this;
    }

    /** Size at which a backtest's log rotates ({@code local.log-max-bytes}), default 10 MiB. */
    public Builder logMaxBytes(long logMaxBytes) {
      settings.logMaxBytes(logMaxBytes);
      return this;
    }

    /** Rotated log files kept ({@code local.log-files}), default 3. */
    public Builder logFiles(int logFiles) {
      settings.logFiles(logFiles);
      return this;
    }

    /** Where code bundles come from and results and logs go; default {@code ~/.berth/store}. */
    public Builder objectStore(ObjectStore objectStore) {
      settings.objectStore(objectStore);
      return this;
    }

    /** No object store ({@code store.type=none}): results and logs are not stored. */
    public Builder noObjectStore() {
      settings.noObjectStore();
      return this;
    }

    /** Log lines kept in a result ({@code backtest.log-tail-lines}), default 100. */
    public Builder logTailLines(int logTailLines) {
      this.logTailLines = logTailLines;
      return this;
    }

    /** The largest result file collected ({@code backtest.result-max-size}), default 16 MiB. */
    public Builder resultMaxBytes(long resultMaxBytes) {
      this.resultMaxBytes = resultMaxBytes;
      return this;
    }

    /** How often the runner looks for backtests whose runner died ({@code backtest.sweep-interval}), default 10s. */
    public Builder sweepInterval(Duration sweepInterval) {
      this.sweepInterval = Objects.requireNonNull(sweepInterval, "sweepInterval");
      return this;
    }

    /** Creates the runner; it takes over its scope's orphaned backtests first. */
    public BacktestRunner build() {
      LocalSettings local = settings.settings();
      return create(local, new EngineSettings(local.scope(), engineDir(local), local.objectStore(),
          local.stopGrace(), logTailLines, resultMaxBytes, sweepInterval));
    }
  }
}
