package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.kubernetes.sim.SimulatedCluster;
import dev.berth.runtime.kubernetes.sim.SimulatedClusterExtension;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server goes down under a runtime and comes back: every call fails with
 * {@link RuntimeUnavailableException} meanwhile, the pods keep running, and the same runtime object serves again
 * afterwards with every bot's pod the same (nothing recreated).
 */
@Tag("docker")
class KubernetesApiOutageTest {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesApiOutageTest.class);
  @RegisterExtension
  static final SimulatedClusterExtension SIMULATION = new SimulatedClusterExtension();

  private static SimulatedCluster cluster() {
    return SIMULATION.cluster();
  }

  @Test
  void callsFailAsUnavailableDuringAnOutageAndTheSameRuntimeServesAfterIt() throws Exception {
    try (KubernetesRuntime runtime = KubeTestSupport.on(KubernetesRuntime.builder(), cluster(), "outage").build()) {
      KubernetesWorkloads workloads = new KubernetesWorkloads(KubeTestSupport.IMAGE);
      runtime.create(workloads.sleepForever("o1").build());
      runtime.create(workloads.sleepForever("o2").build());
      runtime.start("o1");
      runtime.start("o2");
      Map<String, String> pods = podUids();

      cluster().stopApiServer();
      Map<String, Long> millis = new LinkedHashMap<>();
      try {
        unavailable(millis, "status", () -> runtime.status("o1"));
        unavailable(millis, "list", () -> runtime.list(BotFilter.ALL));
        unavailable(millis, "start", () -> runtime.start("o2"));
        unavailable(millis, "stop", () -> runtime.stop("o1", Duration.ofSeconds(1)));
        unavailable(millis, "restart", () -> runtime.restart("o1"));
        unavailable(millis, "create", () -> runtime.create(workloads.sleepForever("o3").build()));
        unavailable(millis, "logs", () -> runtime.logs("o1", LogOptions.DEFAULT));
        unavailable(millis, "delete", () -> runtime.delete("o2"));
        assertThat(runtime.health().healthy()).as("health during the outage").isFalse();
        assertThat(runtime.health().message()).contains("not reachable");
      } finally {
        cluster().restartApiServer();
      }
      LOG.info("Calls during the API server outage failed after (ms): {}", millis);

      List<BotStatus> listed = Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> runtime.list(BotFilter.ALL), l -> l.size() == 2);
      assertThat(listed).extracting(BotStatus::state).containsOnly(BotState.RUNNING);
      assertThat(podUids()).as("pods after the outage: the same ones, nothing recreated").isEqualTo(pods);
      assertThatThrownBy(() -> runtime.status("o3")).as("the create during the outage made nothing")
          .isInstanceOf(BotNotFoundException.class);
      runtime.delete("o1");
      runtime.delete("o2");
    }
  }

  private static void unavailable(Map<String, Long> millis, String call, ThrowingCallable callable) {
    long start = System.nanoTime();
    assertThatThrownBy(callable).as(call + " during the outage").isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("not reachable");
    millis.put(call, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private static Map<String, String> podUids() throws Exception {
    Map<String, String> uids = new java.util.TreeMap<>();
    new CoreV1Api(cluster().client()).listNamespacedPod(cluster().namespace()).labelSelector("berth.scope=outage")
        .execute().getItems().forEach(p -> uids.put(p.getMetadata().getLabels().get("berth.id"),
            p.getMetadata().getUid()));
    return uids;
  }
}
