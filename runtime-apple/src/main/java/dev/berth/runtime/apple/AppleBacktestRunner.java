package dev.berth.runtime.apple;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.internal.backtest.BacktestEngine;
import dev.berth.runtime.core.internal.backtest.EngineSettings;

/**
 * Backtests as containers of Apple's {@code container} CLI: each runs once, its result file is read from the
 * workspace on this Mac, result and full log go to the object store ({@code test-results/<scope>/<id>/result.json}
 * and {@code output.log}; see {@link dev.berth.runtime.StorageLayout}), and the container and workspace are
 * removed whatever the outcome (unless {@code keep}). A runner takes over the backtests of its scope whose
 * runner died: it enforces their deadline, collects and removes them.
 *
 * <pre>{@code
 * try (BacktestRunner runner = AppleBacktestRunner.builder().scope("research").objectStore(store).build()) {
 *   BacktestResult result = runner.run(spec);
 * }
 * }</pre>
 *
 * <p>The workspace is mounted writable at {@code /backtest} (it is this run's own copy), so the workload
 * writes its result next to its code. Cancel and timeout stop the container (SIGTERM, SIGKILL after
 * {@code stop-grace}).
 */
public final class AppleBacktestRunner {
  private AppleBacktestRunner() {}

  /**
   * A builder; unset settings come from the config, then the defaults.
   *
   * @return a new builder
   */
  public static AppleBuilder<BacktestRunner> builder() {
    return new AppleBuilder<>(AppleBacktestRunner::create);
  }

  /**
   * A runner configured by {@code apple.*}, {@code scope}, {@code stop-grace}, {@code backtest.*} and
   * {@code store.*}; the same as {@code builder().config(config).build()}.
   *
   * @param config the settings
   * @return the runner
   */
  public static BacktestRunner fromConfig(RuntimeConfig config) {
    return builder().config(config).build();
  }

  private static BacktestRunner create(AppleBuilder.Parts parts) {
    return new BacktestEngine<>(new AppleBacktestDriver(parts), EngineSettings.fromConfig(parts.config(),
        parts.settings().scopeDir().resolve("backtest-engine"), parts.store()));
  }
}
