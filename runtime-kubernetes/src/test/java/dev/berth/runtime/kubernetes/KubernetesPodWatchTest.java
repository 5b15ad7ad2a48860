package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.kubernetes.sim.SimulatedCluster;
import dev.berth.runtime.kubernetes.sim.SimulatedClusterExtension;
import io.kubernetes.client.openapi.models.V1PodList;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waits for pods are watches where the API server streams them, and pauses of the poll interval where it does
 * not. With a poll interval of an hour, only a watch can end a wait in time.
 */
@Tag("docker")
class KubernetesPodWatchTest {
  private static final Duration NO_POLL = Duration.ofHours(1);
  private static final String WATCH_QUERY = "watch=true";

  @RegisterExtension
  static final SimulatedClusterExtension SIMULATION = new SimulatedClusterExtension();

  private static SimulatedCluster cluster() {
    return SIMULATION.cluster();
  }

  @AfterEach
  void serveWatchesAgain() {
    cluster().serveWatches(true);
  }

  private static KubernetesRuntime runtime(String scope, Duration pollInterval) {
    return KubeTestSupport.on(KubernetesRuntime.builder(), cluster(), scope)
        .config(RuntimeConfig.of(Map.of(KubernetesSettings.POLL_INTERVAL, pollInterval.toMillis() + "ms",
            KubernetesSettings.START_TIMEOUT, "60s", KubernetesSettings.INIT_IMAGE, KubeTestSupport.IMAGE,
            KubernetesSettings.WORK_DIR, KubeTestSupport.workDir().toString(), "stop-grace", "5s")))
        .build();
  }

  private static BotSpec sleeper(String id) {
    return new KubernetesWorkloads(KubeTestSupport.IMAGE).sleepForever(id).build();
  }

  @Test
  void startAndStopEndWhenThePodChangesNotAtTheNextPoll() {
    try (KubernetesRuntime runtime = runtime("watch-on", NO_POLL)) {
      runtime.create(sleeper("w1"));
      cluster().resetRequestCounts();

      // a poll would sleep an hour: only the watch's events can end these waits before the test's timeout
      assertTimeoutPreemptively(Duration.ofSeconds(90), () -> runtime.start("w1"));
      assertThat(runtime.status("w1").state()).isEqualTo(BotState.RUNNING);
      assertTimeoutPreemptively(Duration.ofSeconds(90), () -> runtime.stop("w1", Duration.ofSeconds(1)));
      assertThat(runtime.status("w1").state()).isEqualTo(BotState.STOPPED);

      assertThat(runtime.watchesPods()).as("still watching").isTrue();
      assertThat(watchRequests()).as("watches opened by the waits").isPositive();
      runtime.delete("w1");
    }
  }

  @Test
  void aServerWithoutWatchesOverHttpIsPolledFromThen() {
    cluster().serveWatches(false);
    try (KubernetesRuntime runtime = runtime("watch-off", Duration.ofMillis(100))) {
      runtime.create(sleeper("p1"));
      cluster().resetRequestCounts();

      runtime.start("p1");
      assertThat(runtime.status("p1").state()).isEqualTo(BotState.RUNNING);
      runtime.stop("p1", Duration.ofSeconds(1));
      assertThat(runtime.status("p1").state()).isEqualTo(BotState.STOPPED);

      assertThat(runtime.watchesPods()).as("watching after the server answered without a stream").isFalse();
      assertThat(watchRequests()).as("watches tried: only the first, which showed there are none").isEqualTo(1);
      runtime.delete("p1");
    }
  }

  @Test
  void aWaitingWatchEndsAtAnInterrupt() throws Exception {
    RuntimeConfig config = RuntimeConfig.of(Map.of(KubernetesSettings.API_URL, cluster().url(),
        KubernetesSettings.NAMESPACE, cluster().namespace()));
    try (KubeConnection connection = KubeConnection.open(KubernetesSettings.from(config), Map.of())) {
      Cluster pods = new Cluster(connection, "watch-interrupt", NO_POLL);
      V1PodList none = pods.podList(KubeLabels.KIND_BOT, "nobody");
      cluster().resetRequestCounts();
      AtomicReference<Throwable> ended = new AtomicReference<>();
      Thread waiter = new Thread(() -> {
        try {
          pods.awaitPodChange(KubeLabels.KIND_BOT, "nobody", none, Duration.ofSeconds(60));
          ended.set(new AssertionError("returned without a change or an interrupt"));
        } catch (InterruptedException e) {
          ended.set(e);
        }
      });
      waiter.start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> watchRequests() == 1);

      waiter.interrupt();
      waiter.join(Duration.ofSeconds(30).toMillis());

      assertThat(waiter.isAlive()).as("still waiting after the interrupt").isFalse();
      assertThat(ended.get()).isInstanceOf(InterruptedException.class);
    }
  }

  private static int watchRequests() {
    return cluster().requestCount("GET", "/api/v1/namespaces/" + cluster().namespace() + "/pods?", WATCH_QUERY);
  }
}
