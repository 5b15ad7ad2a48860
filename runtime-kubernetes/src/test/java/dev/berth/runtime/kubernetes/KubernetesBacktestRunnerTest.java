package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.RuntimeConfig;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backtests as Jobs against the in-process API server, the test playing Job controller and kubelet. */
class KubernetesBacktestRunnerTest {
  private static final String SCOPE = "bt";

  private ApiServerFixture api;
  private BacktestRunner runner;

  @BeforeEach
  void start(@TempDir Path work) {
    api = ApiServerFixture.start();
    runner = KubernetesBacktestRunner.builder().apiUrl(api.url()).namespace(ApiServerFixture.NAMESPACE).scope(SCOPE)
        .noObjectStore().environment(Map.of()).config(RuntimeConfig.of(Map.of(KubernetesSettings.POLL_INTERVAL,
            "20ms", KubernetesSettings.WORK_DIR, work.toString(), "backtest.sweep-interval", "1h"))).build();
  }

  @AfterEach
  void stop() {
    runner.close();
    api.close();
  }

  private List<V1Job> jobs() throws Exception {
    return new BatchV1Api(api.client()).listNamespacedJob(ApiServerFixture.NAMESPACE).execute().getItems();
  }

  /** The pod a Job controller and kubelet would leave after the wrapper wrote the result as termination message. */
  private V1Pod finishedPod(String id, int exitCode, String message) throws Exception {
    V1Pod pod = new V1Pod().apiVersion("v1").kind("Pod").metadata(new V1ObjectMeta()
            .name(JobManifests.jobName(SCOPE, id) + "-x1y2z").namespace(ApiServerFixture.NAMESPACE)
            .labels(KubeLabels.selector(SCOPE, KubeLabels.KIND_BACKTEST, id)).creationTimestamp(ApiServerFixture.now()))
        .spec(new V1PodSpec().addContainersItem(new V1Container().name("backtest").image("busybox")))
        .status(new V1PodStatus().phase(exitCode == 0 ? "Succeeded" : "Failed").addContainerStatusesItem(
            new V1ContainerStatus().name("backtest").restartCount(0).ready(false).image("busybox").imageID("x")
                .state(new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(exitCode)
                    .message(message).startedAt(ApiServerFixture.now()).finishedAt(ApiServerFixture.now())))));
    String log = "/api/v1/namespaces/" + ApiServerFixture.NAMESPACE + "/pods/" + pod.getMetadata().getName()
        + "/log?container=backtest&timestamps=true";
    api.server().expect().get().withPath(log).andReturn(200, "2026-01-01T00:00:01Z computing\n").always();
    api.server().expect().get().withPath(log + "&follow=true").andReturn(200, "2026-01-01T00:00:01Z computing\n")
        .always();
    return api.core().createNamespacedPod(ApiServerFixture.NAMESPACE, pod).execute();
  }

  @Test
  void aJobsResultTravelsInTheTerminationMessageAndEverythingIsRemovedAfterwards() throws Exception {
    BacktestExecution execution = runner.submit(BacktestSpec.builder("bt-1").image("busybox:1.36")
        .command("sh", "-c", "echo '{\"pnl\":42}' > \"$BERTH_RESULT_PATH\"").timeout(Duration.ofMinutes(5)).build());
    await().atMost(Duration.ofSeconds(20)).until(() -> !jobs().isEmpty());
    V1Job job = jobs().get(0);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
    assertThat(job.getMetadata().getLabels()).containsEntry("berth.kind", "backtest").containsEntry("berth.id", "bt-1");
    assertThat(job.getMetadata().getAnnotations()).containsKey("berth.deadline");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getTerminationMessagePolicy())
        .isEqualTo("File");

    finishedPod("bt-1", 0, "{\"pnl\":42}");
    BacktestResult result = execution.await(Duration.ofSeconds(30));

    assertThat(result.state()).isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.resultJson()).contains("{\"pnl\":42}");
    assertThat(jobs()).isEmpty();
    assertThat(api.core().listNamespacedPod(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
    assertThat(api.core().listNamespacedConfigMap(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
    assertThat(api.core().listNamespacedSecret(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
  }

  @Test
  void aJobWhosePodNeverRunsTimesOutAndIsRemoved() throws Exception {
    BacktestResult result = runner.submit(BacktestSpec.builder("bt-2").image("busybox:1.36").command("true")
        .timeout(Duration.ofSeconds(2)).build()).await(Duration.ofSeconds(30));

    assertThat(result.state()).isEqualTo(BacktestState.TIMED_OUT);
    assertThat(jobs()).isEmpty();
  }

  @Test
  void aFailedRunReportsItsExitCode() throws Exception {
    BacktestExecution execution = runner.submit(BacktestSpec.builder("bt-3").image("busybox:1.36")
        .command("sh", "-c", "exit 3").build());
    await().atMost(Duration.ofSeconds(20)).until(() -> !jobs().isEmpty());
    finishedPod("bt-3", 3, "");

    BacktestResult result = execution.await(Duration.ofSeconds(30));

    assertThat(result.state()).isEqualTo(BacktestState.FAILED);
    assertThat(result.exitCode()).hasValue(3);
    assertThat(jobs()).isEmpty();
  }
}
