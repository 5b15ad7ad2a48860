package dev.berth.runtime.kubernetes.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.ApisApi;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobSpec;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobTemplateSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Watch;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The control plane without a node: controllers, garbage collection, request counting, the extra endpoints. */
class SimulatedClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private SimulatedCluster cluster;

  @BeforeEach
  void start() {
    cluster = SimulatedCluster.start();
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void countsTheRequestsOfTheCodeUnderTestOnly() throws ApiException {
    String deployments = "/apis/apps/v1/namespaces/" + cluster.namespace() + "/deployments";
    String pods = "/api/v1/namespaces/" + cluster.namespace() + "/pods";
    Manifests.create(cluster, Manifests.deployment("counted", Manifests.pod(Manifests.shell("bot", "true"))));
    // Polled in this thread so that no poll of the condition is still in flight after it holds.
    await().pollInSameThread().atMost(WAIT).until(() -> Manifests.pods(cluster, "berth.id=counted").size() == 1);
    assertThat(cluster.requestCount("POST", deployments)).isEqualTo(1);
    assertThat(cluster.requestCount("POST", pods)).as("the controller's pod creation").isZero();

    cluster.resetRequestCounts();
    new AppsV1Api(cluster.client()).listNamespacedDeployment(cluster.namespace()).execute();
    Manifests.pods(cluster, "berth.id=counted");

    assertThat(cluster.requestCount("POST", deployments)).isZero();
    assertThat(cluster.requestCount("GET", deployments)).isEqualTo(1);
    assertThat(cluster.requestCount("GET", pods + "?labelSelector=berth.id%3Dcounted")).isEqualTo(1);
    assertThat(cluster.requestCount("PATCH", "/")).isZero();
  }

  @Test
  void aDeploymentKeepsOnePendingPodAndScalingToZeroRemovesIt() throws ApiException {
    V1Deployment created = Manifests.create(cluster,
        Manifests.deployment("bot-a", Manifests.pod(Manifests.shell("bot", "sleep 60"))));
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "berth.id=bot-a").size() == 1);
    V1Pod pod = Manifests.pods(cluster, "berth.id=bot-a").get(0);

    assertThat(pod.getMetadata().getName()).matches("bot-a-[a-z0-9]{10}-[a-z0-9]{5}");
    assertThat(pod.getMetadata().getLabels()).containsEntry("berth.managed", "true")
        .containsKey(DeploymentController.HASH_LABEL);
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid()));
    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    await().atMost(WAIT).untilAsserted(() -> assertThat(Manifests.deployment(cluster, "bot-a").getStatus())
        .satisfies(s -> assertThat(s.getReplicas()).isEqualTo(1))
        .satisfies(s -> assertThat(s.getReadyReplicas()).isZero()));

    Manifests.patchDeployment(cluster, "bot-a", "{\"spec\":{\"replicas\":0}}");
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "berth.id=bot-a").isEmpty());
    await().atMost(WAIT).until(() -> Manifests.deployment(cluster, "bot-a").getStatus().getReplicas() == 0);
  }

  @Test
  void aChangedTemplateReplacesThePod() throws ApiException {
    Manifests.create(cluster, Manifests.deployment("bot-b", Manifests.pod(Manifests.shell("bot", "sleep 60"))));
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "berth.id=bot-b").size() == 1);
    String first = Manifests.pods(cluster, "berth.id=bot-b").get(0).getMetadata().getName();

    Manifests.patchDeployment(cluster, "bot-b", "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
        + "{\"kubectl.kubernetes.io/restartedAt\":\"2026-01-01T00:00:00Z\"}}}}}");

    await().atMost(WAIT).untilAsserted(() -> assertThat(Manifests.pods(cluster, "berth.id=bot-b"))
        .singleElement().satisfies(p -> assertThat(p.getMetadata().getName()).isNotEqualTo(first)));
  }

  @Test
  void deletingADeploymentDeletesItsPodsAndTheObjectsItOwns() throws ApiException {
    V1Deployment owner = Manifests.create(cluster,
        Manifests.deployment("bot-c", Manifests.pod(Manifests.shell("bot", "sleep 60"))));
    CoreV1Api core = new CoreV1Api(cluster.client());
    var ref = PodFactory.owner("apps/v1", "Deployment", owner.getMetadata());
    core.createNamespacedConfigMap(cluster.namespace(), new V1ConfigMap().apiVersion("v1").kind("ConfigMap")
        .metadata(new V1ObjectMeta().name("bot-c-config").ownerReferences(List.of(ref))).data(Map.of("a", "b")))
        .execute();
    core.createNamespacedSecret(cluster.namespace(), new V1Secret().apiVersion("v1").kind("Secret")
        .metadata(new V1ObjectMeta().name("bot-c-env").ownerReferences(List.of(ref)))).execute();
    core.createNamespacedConfigMap(cluster.namespace(), new V1ConfigMap().apiVersion("v1").kind("ConfigMap")
        .metadata(new V1ObjectMeta().name("unowned"))).execute();
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "berth.id=bot-c").size() == 1);

    new AppsV1Api(cluster.client()).deleteNamespacedDeployment("bot-c", cluster.namespace()).execute();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(Manifests.pods(cluster, "berth.id=bot-c")).isEmpty();
      assertThat(core.listNamespacedConfigMap(cluster.namespace()).execute().getItems())
          .extracting(c -> c.getMetadata().getName()).containsExactly("unowned");
      assertThat(core.listNamespacedSecret(cluster.namespace()).execute().getItems()).isEmpty();
    });
  }

  @Test
  void aMergePatchReplacesListsKeepsTheStatusAndBumpsTheGeneration() throws ApiException {
    Manifests.create(cluster, Manifests.deployment("bot-e", Manifests.pod(Manifests.shell("bot", "sleep 60"),
        Manifests.shell("sidecar", "sleep 60"))));
    await().atMost(WAIT).until(() -> Manifests.deployment(cluster, "bot-e").getStatus() != null);
    long generation = Manifests.deployment(cluster, "bot-e").getMetadata().getGeneration();

    V1Deployment patched = Manifests.patchDeployment(cluster, "bot-e", "{\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"name\":\"bot\",\"image\":\"other\"}]}}}}");

    assertThat(patched.getSpec().getTemplate().getSpec().getContainers()).singleElement()
        .satisfies(c -> assertThat(c.getImage()).isEqualTo("other"));
    assertThat(patched.getStatus()).isNotNull();
    assertThat(patched.getMetadata().getGeneration()).isEqualTo(generation + 1);
    await().atMost(WAIT).until(() -> Manifests.deployment(cluster, "bot-e").getStatus().getObservedGeneration()
        == generation + 1);
    assertThat(Manifests.deployment(cluster, "bot-e").getSpec().getTemplate().getSpec().getContainers())
        .hasSize(1);
  }

  @Test
  void aJobWhosePodNeverRunsFailsAtItsDeadlineAndLosesItsPod() throws ApiException {
    var job = Manifests.job("bt-1", Manifests.pod(Manifests.shell("backtest", "true")));
    job.getSpec().activeDeadlineSeconds(1L);
    Manifests.create(cluster, job);
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "job-name=bt-1").size() == 1);
    await().atMost(WAIT).untilAsserted(() -> assertThat(Manifests.job(cluster, "bt-1").getStatus())
        .satisfies(s -> assertThat(s.getStartTime()).isNotNull()).satisfies(s -> assertThat(s.getActive()).isOne()));

    await().atMost(WAIT).untilAsserted(() -> assertThat(Manifests.job(cluster, "bt-1").getStatus().getConditions())
        .anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("Failed");
          assertThat(c.getReason()).isEqualTo("DeadlineExceeded");
        }));
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "job-name=bt-1").isEmpty());
  }

  @Test
  void aCronJobCreatesJobsOnItsScheduleAndForbidsOverlaps() throws ApiException {
    BatchV1Api batch = new BatchV1Api(cluster.client());
    for (String policy : List.of("Allow", "Forbid")) {
      V1Job job = Manifests.job("cron-" + policy.toLowerCase(Locale.ROOT),
          Manifests.pod(Manifests.shell("bot", "true")));
      batch.createNamespacedCronJob(cluster.namespace(), new V1CronJob().apiVersion("batch/v1").kind("CronJob")
          .metadata(new V1ObjectMeta().name(job.getMetadata().getName()))
          .spec(new V1CronJobSpec().schedule("@every 1s").concurrencyPolicy(policy)
              .jobTemplate(new V1JobTemplateSpec().metadata(job.getMetadata()).spec(job.getSpec())))).execute();
    }

    await().atMost(WAIT).until(() -> jobsOf("cron-allow").size() >= 3);
    assertThat(jobsOf("cron-forbid")).hasSize(1);
    assertThat(jobsOf("cron-allow").get(0).getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getKind()).isEqualTo("CronJob"));
    assertThat(batch.readNamespacedCronJob("cron-allow", cluster.namespace()).execute().getStatus()
        .getLastScheduleTime()).isNotNull();

    batch.deleteNamespacedCronJob("cron-allow", cluster.namespace()).execute();
    await().atMost(WAIT).until(() -> jobsOf("cron-allow").isEmpty());
  }

  private List<V1Job> jobsOf(String cronJob) throws ApiException {
    return new BatchV1Api(cluster.client()).listNamespacedJob(cluster.namespace()).execute().getItems().stream()
        .filter(j -> j.getMetadata().getName().startsWith(cronJob + "-")).collect(Collectors.toList());
  }

  @Test
  @Timeout(60)
  void aWatchOverHttpStreamsAddedModifiedAndDeletedEvents() throws Exception {
    Manifests.create(cluster, Manifests.deployment("before", Manifests.pod(Manifests.shell("bot", "true"))));
    ApiClient client = new ClientBuilder().setBasePath(cluster.url()).setReadTimeout(Duration.ZERO).build();
    AppsV1Api apps = new AppsV1Api(client);
    Type type = new TypeToken<Watch.Response<V1Deployment>>() {}.getType();
    List<String> events = new ArrayList<>();
    try (Watch<V1Deployment> watch = Watch.createWatch(client, apps.listNamespacedDeployment(cluster.namespace())
        .labelSelector("berth.managed=true").watch(true).timeoutSeconds(30).buildCall(null), type)) {
      events.add(next(watch));
      Manifests.create(cluster, Manifests.deployment("during", Manifests.pod(Manifests.shell("bot", "true"))));
      readUntil(watch, events, "ADDED during");
      Manifests.patchDeployment(cluster, "during", "{\"metadata\":{\"annotations\":{\"touched\":\"yes\"}}}");
      readUntil(watch, events, "MODIFIED during");
      apps.deleteNamespacedDeployment("before", cluster.namespace()).execute();
      readUntil(watch, events, "DELETED before");
    }

    assertThat(events.get(0)).isEqualTo("ADDED before");
    assertThat(events).containsSubsequence("ADDED during", "MODIFIED during", "DELETED before");
    assertThat(events).filteredOn("ADDED before"::equals).hasSize(1);
    assertThat(cluster.requestCount("GET", "/apis/apps/v1/namespaces/" + cluster.namespace() + "/deployments?"))
        .isEqualTo(1);
  }

  /** Reads events (the test's timeout bounds the wait) until the expected one arrives. */
  private static void readUntil(Watch<V1Deployment> watch, List<String> events, String expected) {
    while (!events.contains(expected)) {
      events.add(next(watch));
    }
  }

  private static String next(Watch<V1Deployment> watch) {
    Watch.Response<V1Deployment> event = watch.next();
    return event.type + " " + event.object.getMetadata().getName();
  }

  @Test
  void servesTheVersionAndAnswersLogRequestsLikeAnApiServer() throws ApiException {
    assertThat(new VersionApi(cluster.client()).getCode().execute().getGitVersion()).startsWith("v1.");
    assertThat(new ApisApi(cluster.client()).getAPIVersions().execute().getGroups())
        .extracting(g -> g.getName()).containsExactly("apps", "batch");
    assertThatThrownBy(() -> new CustomObjectsApi(cluster.client()).listNamespacedCustomObject("metrics.k8s.io",
        "v1beta1", cluster.namespace(), "pods").execute()).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.getCode()).as("no metrics server").isEqualTo(404));
    Manifests.create(cluster, Manifests.deployment("bot-d", Manifests.pod(Manifests.shell("bot", "sleep 60"))));
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "berth.id=bot-d").size() == 1);
    String pod = Manifests.pods(cluster, "berth.id=bot-d").get(0).getMetadata().getName();

    assertThatThrownBy(() -> Manifests.log(cluster, pod, Map.of())).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.getCode()).isEqualTo(400));
    assertThatThrownBy(() -> Manifests.log(cluster, pod, Map.of("container", "nope")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> Manifests.log(cluster, "no-such-pod", Map.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(404);
          assertThat(e.getResponseBody()).contains("\"kind\":\"Status\"", "NotFound");
        });
  }
}
