package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.UnsupportedFeatureException;

/**
 * Backtests as Kubernetes Jobs.
 */
public final class KubernetesBacktestRunner {
  private KubernetesBacktestRunner() {}

  /** A runner configured by {@code kubernetes.*}, {@code scope}, {@code stop-grace}, {@code backtest.*}, {@code store.*}. */
  public static BacktestRunner fromConfig(RuntimeConfig config) {
    throw new UnsupportedFeatureException("Backtests on Kubernetes are not available yet; use the docker or local "
        + "backtest runner.");
  }
}
