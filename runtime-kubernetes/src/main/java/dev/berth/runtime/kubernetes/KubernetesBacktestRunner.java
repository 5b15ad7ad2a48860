package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.internal.backtest.BacktestEngine;
import dev.berth.runtime.core.internal.backtest.EngineSettings;

/**
 * Backtests as Kubernetes Jobs: each runs once ({@code backoffLimit} 0), bounded by {@code activeDeadlineSeconds}
 * (its timeout) and removed {@code ttlSecondsAfterFinished} after it ends should the runner be gone; the runner
 * collects the result (through the object store, or up to 4 KiB through the termination message), stores result
 * and log ({@link dev.berth.runtime.StorageLayout}) and deletes the Job, its pod, ConfigMap and Secret unless
 * {@code keep} is set. A runner takes over the backtests of its scope whose runner died.
 *
 * <pre>{@code
 * try (BacktestRunner runner = KubernetesBacktestRunner.builder().namespace("backtests").objectStore(minio).build()) {
 *   BacktestResult result = runner.run(spec);
 * }
 * }</pre>
 *
 * <p>The image needs {@code sh}: a constant wrapper script runs the workload and ships its result file.
 */
public final class KubernetesBacktestRunner {
  private KubernetesBacktestRunner() {}

  /** A builder; unset settings come from the in-cluster service account or the kubeconfig. */
  public static KubernetesBuilder<BacktestRunner> builder() {
    return new KubernetesBuilder<>(KubernetesBacktestRunner::create);
  }

  /** A runner configured by {@code kubernetes.*}, {@code scope}, {@code stop-grace}, {@code backtest.*}, {@code store.*}. */
  public static BacktestRunner fromConfig(RuntimeConfig config) {
    return builder().config(config).build();
  }

  private static BacktestRunner create(KubernetesBuilder.Parts parts) {
    return new BacktestEngine<>(new KubernetesBacktestDriver(parts), EngineSettings.fromConfig(parts.config(),
        parts.workDir().resolve("backtest-engine"), parts.store()));
  }
}
