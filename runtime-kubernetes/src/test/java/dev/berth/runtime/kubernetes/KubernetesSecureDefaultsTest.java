package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.ScheduleManager;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure defaults of every pod Berth makes, read back from the API server: a bot's Deployment, a host-network
 * bot's, a backtest's Job and a schedule's CronJob. No privilege escalation, every capability dropped, not
 * privileged, seccomp {@code RuntimeDefault}, no host namespaces unless asked, no service account token, requests
 * and limits on every container (the init container too).
 */
class KubernetesSecureDefaultsTest {
  private static final String SCOPE = "secure";

  private ApiServerFixture api;

  @BeforeEach
  void start() {
    api = ApiServerFixture.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static BotSpec.Builder bot(String id) {
    return BotSpec.builder(id).image("busybox:1.36").command("sleep", "3600");
  }

  @Test
  void everyPodBerthMakesIsLockedDown(@TempDir Path work) throws Exception {
    try (KubernetesRuntime runtime = api.runtimeBuilder(SCOPE).build();
        BacktestRunner runner = KubernetesBacktestRunner.builder().apiUrl(api.url())
            .namespace(ApiServerFixture.NAMESPACE).scope(SCOPE).noObjectStore().environment(Map.of())
            .config(RuntimeConfig.of(Map.of(KubernetesSettings.WORK_DIR, work.toString(),
                "backtest.sweep-interval", "1h"))).build()) {
      runtime.create(coded("plain", work));
      runtime.create(bot("host").networkMode(NetworkMode.HOST).build());
      runtime.require(ScheduleManager.class).schedule("nightly", "0 2 * * *", bot("nightly").build());
      BacktestExecution backtest = runner.submit(BacktestSpec.builder("bt").image("busybox:1.36")
          .command("true").timeout(Duration.ofMinutes(5)).build());
      await().atMost(Duration.ofSeconds(20)).until(() -> !jobs().isEmpty());

      V1PodSpec plain = deploymentPod("plain");
      V1PodSpec host = deploymentPod("host");
      V1PodSpec job = jobs().get(0).getSpec().getTemplate().getSpec();
      V1PodSpec cron = new BatchV1Api(api.client()).listNamespacedCronJob(ApiServerFixture.NAMESPACE).execute()
          .getItems().get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();

      for (V1PodSpec pod : List.of(plain, host, job, cron)) {
        assertLockedDown(pod);
      }
      assertThat(plain.getInitContainers()).as("the init container that unpacks the code").hasSize(1);
      assertThat(plain.getHostNetwork()).as("host network of a default bot").isNotEqualTo(Boolean.TRUE);
      assertThat(job.getHostNetwork()).as("host network of a backtest").isNotEqualTo(Boolean.TRUE);
      assertThat(host.getHostNetwork()).as("host network where the spec asks for it").isTrue();
      backtest.cancel();
    }
  }

  @Test
  void runAsNonRootReachesEveryContainerWhenConfigured(@TempDir Path work) throws Exception {
    try (KubernetesRuntime runtime = api.runtimeBuilder(SCOPE).config(RuntimeConfig.of(Map.of(
        KubernetesSettings.RUN_AS_NON_ROOT, "true"))).build()) {
      runtime.create(coded("plain", work));

      assertThat(containers(deploymentPod("plain"))).as("init and main container").hasSize(2).allSatisfy(c ->
          assertThat(c.getSecurityContext().getRunAsNonRoot()).as("runAsNonRoot of %s", c.getName()).isTrue());
    }
  }

  /** A bot with a code bundle, so its pod has an init container that unpacks it. */
  private static BotSpec coded(String id, Path work) throws java.io.IOException {
    Path code = java.nio.file.Files.createDirectories(work.resolve("code-" + id));
    java.nio.file.Files.writeString(code.resolve("main.sh"), "sleep 3600\n");
    return bot(id).codeBundle(dev.berth.runtime.CodeBundle.directory(code)).entrypoint("main.sh").language("command")
        .build();
  }

  private static void assertLockedDown(V1PodSpec pod) {
    assertThat(pod.getAutomountServiceAccountToken()).as("service account token mounted").isFalse();
    assertThat(pod.getHostPID()).as("host PID namespace").isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).as("host IPC namespace").isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as("pod seccomp profile")
        .isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes() == null ? List.of() : pod.getVolumes()).as("volumes")
        .allSatisfy(v -> assertThat(v.getHostPath()).as("hostPath volume %s", v.getName()).isNull());
    assertThat(containers(pod)).as("containers").isNotEmpty().allSatisfy(c -> {
      var context = c.getSecurityContext();
      assertThat(context.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation of %s", c.getName()).isFalse();
      assertThat(context.getPrivileged()).as("privileged %s", c.getName()).isNotEqualTo(Boolean.TRUE);
      assertThat(context.getCapabilities().getDrop()).as("dropped capabilities of %s", c.getName())
          .containsExactly("ALL");
      assertThat(context.getCapabilities().getAdd()).as("added capabilities of %s", c.getName()).isNullOrEmpty();
      assertThat(context.getSeccompProfile().getType()).as("seccomp of %s", c.getName()).isEqualTo("RuntimeDefault");
      assertThat(c.getResources().getLimits()).as("limits of %s", c.getName()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getRequests()).as("requests of %s", c.getName()).containsKeys("cpu", "memory");
    });
  }

  private static List<V1Container> containers(V1PodSpec pod) {
    List<V1Container> all = new ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    return all;
  }

  private V1PodSpec deploymentPod(String id) throws Exception {
    return new AppsV1Api(api.client()).readNamespacedDeployment(KubeLabels.botName(SCOPE, id),
        ApiServerFixture.NAMESPACE).execute().getSpec().getTemplate().getSpec();
  }

  private List<V1Job> jobs() throws Exception {
    return new BatchV1Api(api.client()).listNamespacedJob(ApiServerFixture.NAMESPACE).execute().getItems();
  }
}
