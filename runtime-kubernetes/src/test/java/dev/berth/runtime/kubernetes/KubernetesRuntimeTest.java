package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeConfig;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Secret;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bot lifecycle against the in-process API server, with the test playing Deployment controller and kubelet. */
class KubernetesRuntimeTest {
  private static final String SCOPE = "unit";

  private ApiServerFixture api;
  private KubernetesRuntime runtime;

  @BeforeEach
  void start() {
    api = ApiServerFixture.start();
    runtime = api.runtimeBuilder(SCOPE).build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    api.close();
  }

  private static BotSpec spec(String id) {
    return BotSpec.builder(id).image("busybox:1.36").command("sh", "-c", "sleep 1000")
        .env("PLAIN", "visible").env("API_KEY", "s3cret").option(WorkloadOptions.SECRET_ENV, "API_KEY")
        .config("{\"symbol\":\"BTC\"}").label(BotFilter.SPEC_HASH_LABEL, "abc123").label("team", "quant").build();
  }

  private V1Deployment deployment(String id) throws Exception {
    return new AppsV1Api(api.client()).readNamespacedDeployment(KubeLabels.botName(SCOPE, id), ApiServerFixture.NAMESPACE)
        .execute();
  }

  @Test
  void createMakesAStoppedDeploymentWithConfigMapAndSecretOwnedByIt() throws Exception {
    BotStatus created = runtime.create(spec("b1"));

    assertThat(created.state()).isEqualTo(BotState.CREATED);
    V1Deployment d = deployment("b1");
    assertThat(d.getSpec().getReplicas()).isZero();
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(d.getMetadata().getLabels()).containsEntry("berth.managed", "true").containsEntry("berth.scope", SCOPE)
        .containsEntry("berth.id", "b1").containsEntry("berth.kind", "bot")
        .containsEntry(BotFilter.SPEC_HASH_LABEL, "abc123").containsEntry("team", "quant");
    V1Container main = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(main.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(main.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(main.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(main.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(main.getEnv()).anySatisfy(env -> {
      assertThat(env.getName()).isEqualTo("API_KEY");
      assertThat(env.getValue()).isNull();
      assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(KubeLabels.botName(SCOPE, "b1"));
    });
    assertThat(main.getEnv()).anySatisfy(env -> assertThat(env.getValue()).isEqualTo("visible"));

    V1ConfigMap map = api.core().readNamespacedConfigMap(KubeLabels.botName(SCOPE, "b1"), ApiServerFixture.NAMESPACE).execute();
    assertThat(map.getData()).containsEntry("config.json", "{\"symbol\":\"BTC\"}");
    assertThat(map.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(d.getMetadata().getUid()));
    V1Secret secret = api.core().readNamespacedSecret(KubeLabels.botName(SCOPE, "b1"), ApiServerFixture.NAMESPACE).execute();
    assertThat(new String(secret.getData().get("API_KEY"), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("s3cret");
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Deployment"));
    assertThat(runtime.status("b1").labels()).containsEntry(BotFilter.SPEC_HASH_LABEL, "abc123")
        .doesNotContainKey("berth.scope");
  }

  @Test
  void durationsThatCannotWorkAreRefusedNamingTheKey() {
    for (String[] bad : new String[][] {{KubernetesSettings.POLL_INTERVAL, "0ms"},
        {KubernetesSettings.POLL_INTERVAL, "-5ms"}, {KubernetesSettings.START_TIMEOUT, "-1s"},
        {KubernetesSettings.BUNDLE_URL_EXPIRY, "0s"}, {KubernetesSettings.JOB_TTL, "-1h"}}) {
      assertThatThrownBy(() -> api.runtimeBuilder(SCOPE).config(RuntimeConfig.of(java.util.Map.of(bad[0], bad[1])))
          .build()).as(bad[0] + "=" + bad[1]).isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining(bad[0]).hasMessageContaining("'" + bad[1] + "'");
    }
  }

  @Test
  void createTwiceIsRejectedAndChangesNothing() throws Exception {
    runtime.create(spec("b1"));
    String uid = deployment("b1").getMetadata().getUid();

    assertThatThrownBy(() -> runtime.create(spec("b1"))).isInstanceOf(BotAlreadyExistsException.class)
        .hasMessageContaining("'b1'");
    assertThat(deployment("b1").getMetadata().getUid()).isEqualTo(uid);
  }

  @Test
  void startScalesToOneAndReportsThePodsStateAndAddress() throws Exception {
    runtime.create(spec("b1"));
    api.runningPod(SCOPE, "b1", "10.1.2.3");

    runtime.start("b1");

    assertThat(deployment("b1").getSpec().getReplicas()).isEqualTo(1);
    assertThat(runtime.status("b1").state()).isEqualTo(BotState.RUNNING);
    assertThat(runtime.address("b1")).contains("10.1.2.3");
    runtime.start("b1"); // running: a no-op
    assertThat(deployment("b1").getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void stopScalesToZeroAndDeletesThePod() throws Exception {
    runtime.create(spec("b1"));
    api.runningPod(SCOPE, "b1", "10.1.2.3");
    runtime.start("b1");

    runtime.stop("b1", Duration.ofSeconds(1));

    assertThat(deployment("b1").getSpec().getReplicas()).isZero();
    assertThat(api.core().listNamespacedPod(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
    assertThat(runtime.status("b1").state()).isEqualTo(BotState.STOPPED);
    runtime.stop("b1", Duration.ofSeconds(1)); // stopped: a no-op
  }

  @Test
  void deleteRemovesAllThreeObjectsAndIsIdempotent() throws Exception {
    runtime.create(spec("b1"));

    runtime.delete("b1");
    runtime.delete("b1");

    assertThat(new AppsV1Api(api.client()).listNamespacedDeployment(ApiServerFixture.NAMESPACE).execute().getItems())
        .isEmpty();
    assertThat(api.core().listNamespacedConfigMap(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
    assertThat(api.core().listNamespacedSecret(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
    assertThatThrownBy(() -> runtime.status("b1")).isInstanceOf(BotNotFoundException.class);
    assertThatThrownBy(() -> runtime.start("b1")).isInstanceOf(BotNotFoundException.class);
  }

  @Test
  void aPodDeletedBehindBerthsBackIsFailedAtOnce() throws Exception {
    runtime.create(spec("b1"));
    V1Pod pod = api.runningPod(SCOPE, "b1", "10.1.2.3");
    runtime.start("b1");

    api.core().deleteNamespacedPod(pod.getMetadata().getName(), ApiServerFixture.NAMESPACE).execute();

    BotStatus status = runtime.status("b1");
    assertThat(status.state()).isEqualTo(BotState.FAILED);
    assertThat(status.message()).contains("pod is gone");
  }

  @Test
  void aPendingPodThatReplacedARunningOneIsFailedAtOnce() throws Exception {
    runtime.create(spec("b1"));
    V1Pod pod = api.runningPod(SCOPE, "b1", "10.1.2.3");
    runtime.start("b1");
    api.core().deleteNamespacedPod(pod.getMetadata().getName(), ApiServerFixture.NAMESPACE).execute();
    api.core().createNamespacedPod(ApiServerFixture.NAMESPACE, api.pod(SCOPE, "b1")).execute(); // the replacement

    BotStatus status = runtime.status("b1");

    assertThat(status.state()).isEqualTo(BotState.FAILED);
    assertThat(status.message()).contains("replaced outside Berth");
  }

  @Test
  void anOomKilledBotIsFailedWith137AndItsNeverPolicyScalesItDown() throws Exception {
    runtime.create(spec("b1"));
    V1Pod pod = api.pod(SCOPE, "b1").status(new V1PodStatus().phase("Running").addContainerStatusesItem(
        new V1ContainerStatus().name("bot").restartCount(0).ready(false).image("busybox").imageID("x")
            .state(new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(137)
                .reason("OOMKilled").finishedAt(ApiServerFixture.now())))));
    api.core().createNamespacedPod(ApiServerFixture.NAMESPACE, pod).execute();
    runtime.start("b1");

    BotStatus status = runtime.status("b1");

    assertThat(status.state()).isEqualTo(BotState.FAILED);
    assertThat(status.exitCode()).hasValue(137);
    assertThat(status.oomKilled()).isTrue();
    assertThat(deployment("b1").getSpec().getReplicas()).isZero();
    assertThat(runtime.status("b1").exitCode()).hasValue(137); // remembered on the Deployment
  }

  @Test
  void listMakesOneCallPerKindWhateverTheFleetSize() throws Exception {
    for (int i = 0; i < 5; i++) {
      runtime.create(spec("bot-" + i));
    }
    api.runningPod(SCOPE, "bot-2", "10.0.0.2");
    try (KubernetesRuntime other = api.runtimeBuilder("other").build()) {
      other.create(spec("bot-0"));
      api.resetRequestCounts();

      assertThat(runtime.list()).extracting(BotStatus::id)
          .containsExactly("bot-0", "bot-1", "bot-2", "bot-3", "bot-4");

      String base = "/apis/apps/v1/namespaces/" + ApiServerFixture.NAMESPACE + "/deployments";
      assertThat(api.requestCount("GET", base)).isEqualTo(1);
      assertThat(api.requestCount("GET", "/api/v1/namespaces/" + ApiServerFixture.NAMESPACE + "/pods")).isEqualTo(1);
      assertThat(api.requestCount("GET", "/")).isEqualTo(2);
      assertThat(other.list()).extracting(BotStatus::id).containsExactly("bot-0");
    }
  }

  @Test
  void listFiltersByUserLabels() {
    runtime.create(spec("b1"));
    runtime.create(BotSpec.builder("b2").image("busybox:1.36").command("true").label("team", "ops").build());

    assertThat(runtime.list(BotFilter.builder().label("team", "ops").build())).extracting(BotStatus::id)
        .containsExactly("b2");
  }

  @Test
  void aClosedRuntimeRefusesCallsButReportsUnhealthy() {
    runtime.close();

    assertThatThrownBy(() -> runtime.list()).isInstanceOf(RuntimeClosedException.class);
    assertThatThrownBy(() -> runtime.status("b1")).isInstanceOf(RuntimeClosedException.class);
    assertThat(runtime.health().healthy()).isFalse();
  }
}
