package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.testkit.BacktestRunnerConformanceKit;
import dev.berth.runtime.testkit.RuntimeConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * Both conformance kits against a real cluster, when the environment names one: {@code BERTH_KUBE_TEST_KUBECONFIG}
 * (a kubeconfig whose current context may create Deployments, Jobs, pods, ConfigMaps and Secrets) and
 * {@code BERTH_KUBE_TEST_NAMESPACE} (default {@code default}). The image is {@code BERTH_TEST_IMAGE} (default
 * {@code busybox:1.36}; load it into kind with {@code kind load docker-image}). Skipped, saying so, otherwise.
 */
class KubernetesRealClusterTest {
  static final String KUBECONFIG = System.getenv("BERTH_KUBE_TEST_KUBECONFIG");
  static final String NAMESPACE = System.getenv().getOrDefault("BERTH_KUBE_TEST_NAMESPACE", "default");
  static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "busybox:1.36");

  @BeforeEach
  void requireCluster() {
    Assumptions.assumeTrue(KUBECONFIG != null && !KUBECONFIG.isBlank(), "no real cluster: set "
        + "BERTH_KUBE_TEST_KUBECONFIG (and BERTH_KUBE_TEST_NAMESPACE) to run the kits against one");
  }

  static <T> KubernetesBuilder<T> on(KubernetesBuilder<T> builder, String scope) {
    return builder.kubeconfig(Path.of(KUBECONFIG)).namespace(NAMESPACE).scope(scope).noObjectStore()
        .config(RuntimeConfig.of(Map.of(KubernetesSettings.INIT_IMAGE, IMAGE,
            KubernetesSettings.WORK_DIR, KubeTestSupport.workDir().toString())));
  }

  /** The runtime kit on the real cluster. */
  @Nested
  class Bots extends RuntimeConformanceKit {
    @Override
    protected Runtime newRuntime(String scope) {
      return on(KubernetesRuntime.builder(), scope).build();
    }

    @Override
    protected Workloads workloads() {
      return new KubernetesWorkloads(IMAGE);
    }

    @Override
    protected boolean isJvmWidePoolThread(Thread thread) {
      return KubeTestSupport.isOkHttpPoolThread(thread);
    }
  }

  /** The backtest kit on the real cluster. */
  @Nested
  class Backtests extends BacktestRunnerConformanceKit {
    @Override
    protected BacktestRunner newRunner(String scope) {
      return on(KubernetesBacktestRunner.builder(), scope).build();
    }

    @Override
    protected Workloads workloads() {
      return new KubernetesWorkloads(IMAGE);
    }

    @Override
    protected boolean isJvmWidePoolThread(Thread thread) {
      return KubeTestSupport.isOkHttpPoolThread(thread);
    }
  }
}
