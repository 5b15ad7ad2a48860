package dev.berth.runtime.kubernetes.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pods that really run: the kubelet on the local Docker engine, driven with the raw client. */
@Tag("docker")
class SimulatedKubeletTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private SimulatedCluster cluster;
  private DockerClient docker;

  @BeforeEach
  void start() {
    cluster = SimulatedCluster.startWithKubelet();
    docker = DockerEngine.connect();
  }

  @AfterEach
  void close() throws Exception {
    if (cluster == null) {
      return;
    }
    Path volumes = cluster.kubeletDirectory().orElseThrow();
    cluster.close();
    assertThat(volumes).as("pod volumes left by close()").doesNotExist();
    assertThat(DockerEngine.containersOf(docker, cluster.namespace())).as("containers left by close()").isEmpty();
    docker.close();
  }

  @Test
  void aDeploymentPodRunsWithItsVolumesAndSecretsAndServesItsLog() throws ApiException {
    CoreV1Api core = new CoreV1Api(cluster.client());
    core.createNamespacedConfigMap(cluster.namespace(), new V1ConfigMap().apiVersion("v1").kind("ConfigMap")
        .metadata(new V1ObjectMeta().name("code")).data(Map.of("main.sh", "echo from-config"))
        .binaryData(Map.of("blob", new byte[] {0, 1, 2}))).execute();
    core.createNamespacedSecret(cluster.namespace(), new V1Secret().apiVersion("v1").kind("Secret")
        .metadata(new V1ObjectMeta().name("env")).data(Map.of("TOKEN", "s3cret".getBytes(StandardCharsets.UTF_8))))
        .execute();
    V1PodSpec pod = Manifests.pod(Manifests.shell("bot",
            "cat /bot/fetched; sh /config/run.sh; wc -c < /config/blob; echo token=$TOKEN; echo dir=$(pwd); "
                + "for i in 1 2 3; do echo line-$i; done; sleep 60")
            .workingDir("/bot")
            .env(List.of(new V1EnvVar().name("TOKEN").valueFrom(new V1EnvVarSource()
                .secretKeyRef(new V1SecretKeySelector().name("env").key("TOKEN")))))
            .volumeMounts(List.of(new V1VolumeMount().name("bot").mountPath("/bot"),
                new V1VolumeMount().name("config").mountPath("/config"))))
        .initContainers(List.of(Manifests.shell("fetch", "echo fetching; echo fetched-by-init > /bot/fetched")
            .volumeMounts(List.of(new V1VolumeMount().name("bot").mountPath("/bot")))))
        .volumes(List.of(new V1Volume().name("bot").emptyDir(new V1EmptyDirVolumeSource()),
            new V1Volume().name("config").configMap(new V1ConfigMapVolumeSource().name("code").items(List.of(
                new V1KeyToPath().key("main.sh").path("run.sh"), new V1KeyToPath().key("blob").path("blob"))))));
    Manifests.create(cluster, Manifests.deployment("bot-run", pod));

    await().atMost(WAIT).until(() -> running(Manifests.pods(cluster, "berth.id=bot-run")));
    V1Pod running = Manifests.pods(cluster, "berth.id=bot-run").get(0);
    assertThat(running.getStatus().getPodIP()).isEqualTo("127.0.0.1");
    assertThat(running.getStatus().getInitContainerStatuses()).singleElement()
        .satisfies(s -> assertThat(s.getState().getTerminated().getReason()).isEqualTo("Completed"));
    String name = running.getMetadata().getName();
    await().atMost(WAIT).until(() -> Manifests.log(cluster, name, Map.of()).contains("line-3"));

    assertThat(Manifests.log(cluster, name, Map.of())).isEqualTo(
        "fetched-by-init\nfrom-config\n3\ntoken=s3cret\ndir=/bot\nline-1\nline-2\nline-3\n");
    assertThat(Manifests.log(cluster, name, Map.of("tailLines", "2"))).isEqualTo("line-2\nline-3\n");
    assertThat(Manifests.log(cluster, name, Map.of("tailLines", "1", "timestamps", "true")))
        .matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z line-3\n");
    assertThat(Manifests.log(cluster, name, Map.of("container", "fetch"))).isEqualTo("fetching\n");
    await().atMost(WAIT).until(() -> Manifests.deployment(cluster, "bot-run").getStatus().getReadyReplicas() == 1);

    Manifests.patchDeployment(cluster, "bot-run", "{\"spec\":{\"replicas\":0}}");
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "berth.id=bot-run").isEmpty()
        && DockerEngine.containersOf(docker, cluster.namespace()).isEmpty());
  }

  @Test
  void aFollowingLogRequestStreamsLinesAsTheyComeUntilTheContainerEnds() throws Exception {
    Manifests.create(cluster, Manifests.job("bt-follow", Manifests.pod(Manifests.shell("backtest",
        "echo first; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo second; sleep 0.5; echo third"))));
    await().atMost(WAIT).until(() -> running(Manifests.pods(cluster, "job-name=bt-follow")));
    V1Pod pod = Manifests.pods(cluster, "job-name=bt-follow").get(0);
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create(cluster.url() + "/api/v1/namespaces/" + cluster.namespace() + "/pods/"
        + pod.getMetadata().getName() + "/log?follow=true");

    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(reader.readLine()).isEqualTo("first");
      String exec = docker.execCreateCmd(containerOf(pod)).withCmd("touch", "/tmp/go").exec().getId();
      docker.execStartCmd(exec).start().awaitCompletion();
      assertThat(reader.readLine()).isEqualTo("second");
      assertThat(reader.readLine()).isEqualTo("third");
      assertThat(reader.readLine()).as("the stream ends with the container").isNull();
    }
    assertThat(cluster.requestCount("GET", uri.getRawPath())).isEqualTo(1);
  }

  @Test
  void aJobCompletesWithItsExitCodeAndTerminationMessage() throws ApiException {
    V1Job job = Manifests.job("bt-ok", Manifests.pod(Manifests.shell("backtest",
        "echo working; echo '{\"result\":42}' > /dev/termination-log")));
    job.getSpec().ttlSecondsAfterFinished(2);
    Manifests.create(cluster, job);

    await().atMost(WAIT).until(() -> condition(Manifests.job(cluster, "bt-ok"), "Complete"));
    V1ContainerStateTerminated terminated = terminated(Manifests.pods(cluster, "job-name=bt-ok").get(0));
    assertThat(terminated.getExitCode()).isZero();
    assertThat(terminated.getReason()).isEqualTo("Completed");
    assertThat(terminated.getMessage()).isEqualTo("{\"result\":42}\n");
    assertThat(Manifests.job(cluster, "bt-ok").getStatus().getCompletionTime()).isNotNull();

    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "job-name=bt-ok").isEmpty()
        && DockerEngine.containersOf(docker, cluster.namespace()).isEmpty());
  }

  @Test
  void aFailingJobFailsWithTheExitCodeAndAnOutOfMemoryOneSaysSo() throws ApiException {
    Manifests.create(cluster, Manifests.job("bt-fail", Manifests.pod(Manifests.shell("backtest", "exit 3"))));
    Manifests.create(cluster, Manifests.job("bt-oom", Manifests.pod(Manifests.shell("backtest",
        "head -c 200000000 /dev/zero | tail").resources(new V1ResourceRequirements()
        .limits(Map.of("memory", Quantity.fromString("16Mi")))))));

    await().atMost(WAIT).until(() -> condition(Manifests.job(cluster, "bt-fail"), "Failed"));
    assertThat(terminated(Manifests.pods(cluster, "job-name=bt-fail").get(0)))
        .satisfies(t -> assertThat(t.getExitCode()).isEqualTo(3))
        .satisfies(t -> assertThat(t.getReason()).isEqualTo("Error"));
    await().atMost(WAIT).until(() -> condition(Manifests.job(cluster, "bt-oom"), "Failed"));
    assertThat(terminated(Manifests.pods(cluster, "job-name=bt-oom").get(0)).getReason()).isEqualTo("OOMKilled");
  }

  @Test
  void theDeadlineOfAJobKillsItsRunningPod() throws ApiException {
    V1Job job = Manifests.job("bt-slow", Manifests.pod(Manifests.shell("backtest", "sleep 120")));
    job.getSpec().activeDeadlineSeconds(6L);
    Manifests.create(cluster, job);
    await().atMost(WAIT).until(() -> running(Manifests.pods(cluster, "job-name=bt-slow")));
    assertThat(DockerEngine.containersOf(docker, cluster.namespace())).hasSize(1);

    await().atMost(WAIT).untilAsserted(() -> assertThat(Manifests.job(cluster, "bt-slow").getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("DeadlineExceeded")));
    await().atMost(WAIT).until(() -> DockerEngine.containersOf(docker, cluster.namespace()).isEmpty());
  }

  @Test
  void aPodWhoseImageCannotBePulledWaitsUntilItsJobsDeadline() throws ApiException {
    V1Job job = Manifests.job("bt-pull", Manifests.pod(Manifests.shell("backtest", "true")
        .image("registry.invalid/berth/never:1")));
    job.getSpec().activeDeadlineSeconds(8L);
    Manifests.create(cluster, job);

    await().atMost(WAIT).until(() -> "ImagePullBackOff".equals(waitingReason(Manifests.pods(cluster,
        "job-name=bt-pull"))));
    await().atMost(WAIT).until(() -> condition(Manifests.job(cluster, "bt-pull"), "Failed"));
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "job-name=bt-pull").isEmpty());
    assertThat(DockerEngine.containersOf(docker, cluster.namespace())).isEmpty();
  }

  @Test
  void runAsNonRootNeedsAUserWhenTheImageRunsAsRoot() throws ApiException {
    V1Container refused = Manifests.shell("bot", "sleep 60")
        .securityContext(new V1SecurityContext().runAsNonRoot(true));
    V1Container accepted = Manifests.shell("bot", "id -u; sleep 60").securityContext(new V1SecurityContext()
        .runAsNonRoot(true).runAsUser(1000L).allowPrivilegeEscalation(false)
        .capabilities(new V1Capabilities().drop(List.of("ALL"))));
    Manifests.create(cluster, Manifests.deployment("bot-root", Manifests.pod(refused)));
    Manifests.create(cluster, Manifests.deployment("bot-user", Manifests.pod(accepted)));

    await().atMost(WAIT).until(() -> "CreateContainerConfigError".equals(waitingReason(Manifests.pods(cluster,
        "berth.id=bot-root"))));
    assertThat(Manifests.pods(cluster, "berth.id=bot-root").get(0).getStatus().getContainerStatuses().get(0)
        .getState().getWaiting().getMessage()).contains("runAsNonRoot and image will run as root");
    await().atMost(WAIT).until(() -> running(Manifests.pods(cluster, "berth.id=bot-user")));
    String pod = Manifests.pods(cluster, "berth.id=bot-user").get(0).getMetadata().getName();
    await().atMost(WAIT).until(() -> "1000\n".equals(Manifests.log(cluster, pod, Map.of())));
  }

  @Test
  void aCrashingBotIsRestartedAndItsPreviousLogKept() throws ApiException {
    Manifests.create(cluster, Manifests.deployment("bot-crash", Manifests.pod(Manifests.shell("bot",
        "echo attempt; exit 1"))));

    await().atMost(WAIT).until(() -> restartCount(Manifests.pods(cluster, "berth.id=bot-crash")) >= 2);
    V1ContainerStatus status = Manifests.pods(cluster, "berth.id=bot-crash").get(0).getStatus()
        .getContainerStatuses().get(0);
    assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    String pod = Manifests.pods(cluster, "berth.id=bot-crash").get(0).getMetadata().getName();
    assertThat(Manifests.log(cluster, pod, Map.of("previous", "true"))).isEqualTo("attempt\n");
  }

  @Test
  void aPodDeletedFromTheApiLosesItsContainerAndAContainerRemovedBehindTheKubeletsBackFailsThePod()
      throws ApiException {
    Manifests.create(cluster, Manifests.job("bt-gone", Manifests.pod(Manifests.shell("backtest", "sleep 120"))));
    Manifests.create(cluster, Manifests.deployment("bot-gone", Manifests.pod(Manifests.shell("bot", "sleep 120"))));
    await().atMost(WAIT).until(() -> running(Manifests.pods(cluster, "job-name=bt-gone"))
        && running(Manifests.pods(cluster, "berth.id=bot-gone")));
    String botPod = Manifests.pods(cluster, "berth.id=bot-gone").get(0).getMetadata().getName();
    String jobContainer = containerOf(Manifests.pods(cluster, "job-name=bt-gone").get(0));

    new CoreV1Api(cluster.client()).deleteNamespacedPod(botPod, cluster.namespace()).gracePeriodSeconds(1)
        .execute();
    docker.removeContainerCmd(jobContainer).withForce(true).exec();

    await().atMost(WAIT).until(() -> docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(DockerEngine.POD_LABEL, botPod)).exec().isEmpty());
    await().atMost(WAIT).until(() -> condition(Manifests.job(cluster, "bt-gone"), "Failed"));
    V1Pod failed = Manifests.pods(cluster, "job-name=bt-gone").get(0);
    assertThat(failed.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(terminated(failed).getExitCode()).isEqualTo(137);
    new AppsV1Api(cluster.client()).deleteNamespacedDeployment("bot-gone", cluster.namespace()).execute();
  }

  @Test
  void aDeletedPodStaysTerminatingForItsGraceWhichASecondDeletionMayShorten() throws ApiException {
    V1PodSpec stubborn = Manifests.pod(Manifests.shell("bot", "trap '' TERM; echo ready; while true; do sleep 1; done"))
        .terminationGracePeriodSeconds(120L);
    Manifests.create(cluster, Manifests.job("bt-stubborn", stubborn));
    await().atMost(WAIT).until(() -> running(Manifests.pods(cluster, "job-name=bt-stubborn")));
    String pod = Manifests.pods(cluster, "job-name=bt-stubborn").get(0).getMetadata().getName();
    await().atMost(WAIT).until(() -> "ready\n".equals(Manifests.log(cluster, pod, Map.of())));

    CoreV1Api core = new CoreV1Api(cluster.client());
    core.deleteNamespacedPod(pod, cluster.namespace()).execute(); // the pod's own grace: 120 s
    await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> {
      List<V1Pod> pods = Manifests.pods(cluster, "job-name=bt-stubborn");
      return pods.size() == 1 && pods.get(0).getMetadata().getDeletionTimestamp() != null
          && pods.get(0).getMetadata().getDeletionGracePeriodSeconds() == 120L;
    });
    assertThat(docker.listContainersCmd().withLabelFilter(Map.of(DockerEngine.POD_LABEL, pod)).exec())
        .as("the container of a Terminating pod that ignores SIGTERM, within its grace").hasSize(1);

    core.deleteNamespacedPod(pod, cluster.namespace()).gracePeriodSeconds(1).execute(); // shortens the grace

    await().atMost(Duration.ofSeconds(20)).until(() -> docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(DockerEngine.POD_LABEL, pod)).exec().isEmpty());
    await().atMost(WAIT).until(() -> Manifests.pods(cluster, "job-name=bt-stubborn").isEmpty());
  }

  private static boolean running(List<V1Pod> pods) {
    return pods.size() == 1 && "Running".equals(pods.get(0).getStatus().getPhase())
        && !pods.get(0).getStatus().getContainerStatuses().isEmpty()
        && pods.get(0).getStatus().getContainerStatuses().get(0).getState().getRunning() != null;
  }

  private static String waitingReason(List<V1Pod> pods) {
    if (pods.size() != 1 || pods.get(0).getStatus().getContainerStatuses().isEmpty()) {
      return null;
    }
    var waiting = pods.get(0).getStatus().getContainerStatuses().get(0).getState().getWaiting();
    return waiting == null ? null : waiting.getReason();
  }

  private static int restartCount(List<V1Pod> pods) {
    return pods.size() != 1 || pods.get(0).getStatus().getContainerStatuses().isEmpty() ? 0
        : pods.get(0).getStatus().getContainerStatuses().get(0).getRestartCount();
  }

  private static boolean condition(V1Job job, String type) {
    return job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions()
        .stream().map(V1JobCondition::getType).anyMatch(type::equals);
  }

  private static V1ContainerStateTerminated terminated(V1Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }

  private static String containerOf(V1Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getContainerID().substring("docker://".length());
  }
}
