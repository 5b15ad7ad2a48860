package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.StatsManager;
import dev.berth.runtime.UnsupportedFeatureException;
import dev.berth.runtime.kubernetes.sim.SimulatedCluster;
import dev.berth.runtime.kubernetes.sim.SimulatedClusterExtension;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StatsManager} from the resource metrics API, offered only while the API server serves it. */
@Tag("docker")
class KubernetesStatsTest {
  private static final long MEMORY = 64L * 1024 * 1024;

  @RegisterExtension
  static final SimulatedClusterExtension SIMULATION = new SimulatedClusterExtension();

  private static SimulatedCluster cluster() {
    return SIMULATION.cluster();
  }

  @AfterEach
  void serveMetricsAgain() {
    cluster().serveMetrics(true);
  }

  @Test
  void aBusyBotsCpuAndMemoryComeFromTheMetricsApi() {
    StatsManager stats;
    try (KubernetesRuntime runtime = KubeTestSupport.on(KubernetesRuntime.builder(), cluster(), "stats").build()) {
      runtime.create(BotSpec.builder("busy").image(KubeTestSupport.IMAGE).command("sh", "-c", "while :; do :; done")
          .resources(Resources.builder().memoryBytes(MEMORY).build()).build());
      runtime.start("busy");
      stats = runtime.require(StatsManager.class);

      StatsManager.BotStats usage = Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> stats.stats("busy"), s -> s.cpuCores().isPresent() && s.cpuCores().getAsDouble() > 0.2);

      assertThat(usage.botId()).isEqualTo("busy");
      assertThat(usage.memoryBytes()).as("working set").isPresent();
      assertThat(usage.memoryBytes().getAsLong()).isPositive().isLessThanOrEqualTo(MEMORY);
      assertThat(usage.memoryLimitBytes()).as("the limit from the pod's spec").hasValue(MEMORY);
      assertThat(usage.cpuTime()).as("the metrics API has no CPU time").isZero();
      assertThat(usage.networkRxBytes()).isEmpty();
      assertThat(usage.pids()).isEmpty();
      assertThatThrownBy(() -> stats.stats("nobody")).isInstanceOf(BotNotFoundException.class);

      runtime.stop("busy", Duration.ofSeconds(1));
      StatsManager.BotStats stopped = stats.stats("busy");
      assertThat(stopped.cpuCores()).as("a stopped bot is not measured").isEmpty();
      assertThat(stopped.memoryLimitBytes()).as("the limit from the Deployment's template").hasValue(MEMORY);
      runtime.delete("busy");
    }
    assertThatThrownBy(() -> stats.stats("busy")).as("stats through a closed runtime")
        .isInstanceOf(RuntimeClosedException.class);
  }

  @Test
  void withoutAMetricsApiThereIsNoStatsManager() {
    cluster().serveMetrics(false);
    try (KubernetesRuntime runtime = KubeTestSupport.on(KubernetesRuntime.builder(), cluster(), "no-stats").build()) {
      assertThat(runtime.feature(StatsManager.class)).isEmpty();
      assertThatThrownBy(() -> runtime.require(StatsManager.class)).isInstanceOf(UnsupportedFeatureException.class);
    }
  }
}
