package dev.berth.runtime.kubernetes;

import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.kubernetes.sim.SimulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builders of runtimes and runners on a {@link SimulatedCluster} for the kit tests. */
final class KubeTestSupport {
  static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");

  private KubeTestSupport() {}

  /**
   * Whether a thread is one of OkHttp's JVM-wide task runner, which the Kubernetes client's HTTP stack shares
   * across all clients and whose idle thread ends 60 s after its last task.
   */
  static boolean isOkHttpPoolThread(Thread thread) {
    return thread.getName().startsWith("OkHttp TaskRunner");
  }

  static Path workDir() {
    try {
      return Files.createDirectories(Path.of("target", "kube-kits")).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A builder on the cluster's API server and namespace, polling briskly; the init image is the test image. */
  static <T> KubernetesBuilder<T> on(KubernetesBuilder<T> builder, SimulatedCluster cluster, String scope) {
    return builder.apiUrl(cluster.url()).namespace(cluster.namespace()).scope(scope).environment(Map.of())
        .config(RuntimeConfig.of(Map.of(KubernetesSettings.POLL_INTERVAL, "100ms",
            KubernetesSettings.START_TIMEOUT, "60s", KubernetesSettings.INIT_IMAGE, IMAGE,
            KubernetesSettings.WORK_DIR, workDir().toString(), "stop-grace", "5s")));
  }
}
