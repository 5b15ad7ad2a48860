package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runtime asks of Docker, checked by inspecting the containers it makes. */
@Tag("docker")
class DockerContainerTest {
  private static final String SCOPE = DockerTestSupport.uniqueScope("containers");
  private static DockerConnection raw;
  private final DockerWorkloads workloads = new DockerWorkloads(DockerTestSupport.IMAGE);
  private DockerRuntime runtime;

  @BeforeAll
  static void connect() {
    DockerTestSupport.requireEngine();
    raw = DockerTestSupport.connection();
  }

  @BeforeEach
  void open() {
    runtime = DockerTestSupport.runtime(SCOPE).build();
  }

  @AfterEach
  void cleanUp() {
    runtime.list().forEach(bot -> runtime.delete(bot.id()));
    runtime.close();
  }

  @AfterAll
  static void nothingLeft() {
    if (raw != null) {
      assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
      raw.close();
    }
  }

  private InspectContainerResponse inspect(BotStatus status) {
    return raw.client().inspectContainerCmd(status.runtimeId()).exec();
  }

  @Test
  void appliesLimitsLabelsAndTheBotWorkspace() {
    BotStatus created = runtime.create(workloads.sleepForever("limits").label("team", "quant")
        .label(BotFilter.SPEC_HASH_LABEL, "0a1b2c3d4e5f6789")
        .resources(Resources.builder().memory("64m").cpuMillis(250).pids(64).build())
        .restartPolicy(RestartPolicy.onFailure(3)).config("{\"symbol\":\"BTC\"}").build());
    InspectContainerResponse container = inspect(created);
    HostConfig host = container.getHostConfig();
    assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
    assertThat(host.getNanoCPUs()).isEqualTo(250_000_000L);
    assertThat(host.getPidsLimit()).isEqualTo(64L);
    assertThat(host.getRestartPolicy().getName()).isEqualTo("on-failure");
    assertThat(host.getRestartPolicy().getMaximumRetryCount()).isEqualTo(3);
    assertThat(container.getName()).isEqualTo("/berth-" + SCOPE + "-limits");
    assertThat(container.getConfig().getLabels()).containsEntry("berth.managed", "true")
        .containsEntry("berth.scope", SCOPE).containsEntry("berth.id", "limits").containsEntry("berth.kind", "bot")
        .containsEntry("team", "quant").containsEntry("berth.spec-hash", "0a1b2c3d4e5f6789");
    assertThat(container.getConfig().getEnv()).contains("BOT_ID=limits", "BOT_CONFIG={\"symbol\":\"BTC\"}");
    assertThat(container.getConfig().getWorkingDir()).isEqualTo("/bot");
    assertThat(container.getMounts()).anySatisfy(mount -> {
      assertThat(mount.getDestination().getPath()).isEqualTo("/bot");
      assertThat(mount.getRW()).isFalse();
    });
    assertThat(created.labels()).containsEntry("team", "quant").doesNotContainKey("berth.scope")
        .containsEntry(BotFilter.SPEC_HASH_LABEL, "0a1b2c3d4e5f6789");
  }

  @Test
  void runsWithSecureDefaultsThatBusyboxWorkloadsSurvive() {
    runtime.create(workloads.echoEnvAndConfig("secure", "HOME").build());
    runtime.start("secure");
    InspectContainerResponse container = inspect(runtime.status("secure"));
    HostConfig host = container.getHostConfig();
    assertThat(host.getSecurityOpts()).contains("no-new-privileges");
    assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
    assertThat(host.getCapAdd()).containsExactlyInAnyOrderElementsOf(ContainerFactory.DEFAULT_CAPABILITIES);
    assertThat(host.getInit()).isTrue();
    assertThat(host.getPrivileged()).isFalse();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      try (Stream<LogLine> lines = runtime.logs("secure")) {
        assertThat(lines.map(LogLine::text)).contains("config={}", "bot-id=secure");
      }
    });
    assertThat(runtime.status("secure").state()).isEqualTo(BotState.RUNNING);
  }

  @Test
  void optionsSetAReadOnlyRootAndAnotherUser() {
    runtime.create(BotSpec.builder("ro").image(DockerTestSupport.IMAGE)
        .command("sh", "-c", "id -u; touch /x 2>/dev/null && echo writable || echo read-only")
        .option("docker.read-only-rootfs", "true").option("docker.user", "65534").build());
    runtime.start("ro");
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.status("ro").state() == BotState.STOPPED);
    try (Stream<LogLine> lines = runtime.logs("ro")) {
      assertThat(lines.map(LogLine::text)).containsExactly("65534", "read-only");
    }
    HostConfig host = inspect(runtime.status("ro")).getHostConfig();
    assertThat(host.getReadonlyRootfs()).isTrue();
  }

  @Test
  void runsACommandEntrypointFromACodeBundle(@TempDir Path code) throws IOException {
    Files.writeString(code.resolve("run.sh"), "#!/bin/sh\necho \"from-bundle $1 $(cat config.json)\"\n");
    runtime.create(BotSpec.builder("bundle").image(DockerTestSupport.IMAGE).codeBundle(CodeBundle.directory(code))
        .entrypoint("run.sh").language("command").command("arg-1").config("{\"k\":1}").build());
    runtime.start("bundle");
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.status("bundle").state().isTerminal());
    assertThat(runtime.status("bundle").state()).isEqualTo(BotState.STOPPED);
    try (Stream<LogLine> lines = runtime.logs("bundle")) {
      assertThat(lines.map(LogLine::text)).containsExactly("from-bundle arg-1 {\"k\":1}");
    }
  }

  @Test
  void aPythonBundleOnAnImageWithoutPythonSaysSoInsteadOfABareExitCode(@TempDir Path code) throws IOException {
    Files.writeString(code.resolve("main.py"), "def main(bot_id, config):\n    print('hello')\n");
    runtime.create(BotSpec.builder("no-python").image(DockerTestSupport.IMAGE)
        .codeBundle(CodeBundle.directory(code)).entrypoint("main.py").language("python3").build());
    runtime.start("no-python");
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.status("no-python").state().isTerminal());
    BotStatus status = runtime.status("no-python");
    assertThat(status.state()).isEqualTo(BotState.FAILED);
    assertThat(status.exitCode()).hasValue(127);
    assertThat(status.message()).contains("exited with code 127", "the image " + DockerTestSupport.IMAGE
        + " has no 'python3' on its PATH", "Use an image that has python3");
    assertThat(runtime.list()).filteredOn(bot -> bot.id().equals("no-python")).extracting(BotStatus::message)
        .as("list says the same").containsExactly(status.message());
  }

  @Test
  void updatesResourcesInPlaceAndRecreatesForEnvChanges() {
    runtime.create(workloads.sleepForever("upd").resources(Resources.builder().memory("32m").build()).build());
    runtime.start("upd");
    String before = runtime.status("upd").runtimeId();
    BotStatus inPlace = runtime.update("upd", BotUpdate.builder()
        .resources(Resources.builder().memory("96m").pids(32).build()).restartPolicy(RestartPolicy.ALWAYS).build());
    assertThat(inPlace.runtimeId()).isEqualTo(before);
    assertThat(inPlace.state()).isEqualTo(BotState.RUNNING);
    HostConfig host = inspect(inPlace).getHostConfig();
    assertThat(host.getMemory()).isEqualTo(96L * 1024 * 1024);
    assertThat(host.getPidsLimit()).isEqualTo(32L);
    assertThat(host.getRestartPolicy().getName()).isEqualTo("always");

    BotStatus recreated = runtime.update("upd", BotUpdate.builder().env(java.util.Map.of("MODE", "live")).build());
    assertThat(recreated.runtimeId()).isNotEqualTo(before);
    assertThat(recreated.state()).isEqualTo(BotState.RUNNING);
    InspectContainerResponse container = inspect(recreated);
    assertThat(container.getConfig().getEnv()).contains("MODE=live");
    assertThat(container.getHostConfig().getMemory()).isEqualTo(96L * 1024 * 1024);
    assertThat(runtime.list()).extracting(BotStatus::id).containsExactly("upd");
  }

  @Test
  void aNewInstanceManagesBotsAnEarlierOneCreatedAndKnowsTheyWereStoppedOnRequest() {
    runtime.create(workloads.ignoreSigterm("adopt").build());
    runtime.start("adopt");
    awaitLine("adopt", "ready");
    runtime.close();
    try (DockerRuntime second = DockerTestSupport.runtime(SCOPE).build()) {
      assertThat(second.status("adopt").state()).isEqualTo(BotState.RUNNING);
      second.stop("adopt", Duration.ofMillis(500));
      assertThat(second.status("adopt").exitCode()).hasValue(137);
    }
    runtime = DockerTestSupport.runtime(SCOPE).build();
    BotStatus status = runtime.status("adopt");
    assertThat(status.state()).isEqualTo(BotState.STOPPED);
    assertThat(status.message()).contains("stopped on request");
  }

  @Test
  void aCrashIsFailedAndAnOnFailurePolicyRestartsIt() {
    runtime.create(workloads.exitWith("crash", 3).restartPolicy(RestartPolicy.onFailure(2)).build());
    runtime.start("crash");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      BotStatus status = runtime.status("crash");
      assertThat(status.state()).isEqualTo(BotState.FAILED);
      assertThat(status.restartCount()).isEqualTo(2);
      assertThat(status.exitCode()).hasValue(3);
    });
  }

  @Test
  void aContainerRemovedBehindTheRuntimesBackIsNotFoundAtOnce() {
    BotStatus created = runtime.create(workloads.sleepForever("gone").build());
    runtime.start("gone");
    DockerTestSupport.removeContainer(created.runtimeId());
    assertThatThrownBy(() -> runtime.status("gone")).isInstanceOf(BotNotFoundException.class);
    assertThatThrownBy(() -> runtime.stop("gone")).isInstanceOf(BotNotFoundException.class);
    runtime.delete("gone");
  }

  @Test
  void aSecondCreateOfAnIdChangesNothing() {
    BotStatus first = runtime.create(workloads.sleepForever("twice").build());
    assertThatThrownBy(() -> runtime.create(workloads.exitWith("twice", 1).build()))
        .isInstanceOf(BotAlreadyExistsException.class);
    assertThat(runtime.status("twice").runtimeId()).isEqualTo(first.runtimeId());
    assertThat(inspect(first).getConfig().getCmd()).contains("trap 'exit 0' TERM; while true; do sleep 1000 & wait $!; done");
  }

  @Test
  void aFailedCreateLeavesNothingBehind() {
    assertThatThrownBy(() -> runtime.create(workloads.sleepForever("never").image("local/absent:1")
        .pullPolicy(PullPolicy.NEVER).build())).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("local/absent:1");
    assertThatThrownBy(() -> runtime.create(workloads.sleepForever("pull").image("local/absent:1").build()))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("Pulling image 'local/absent:1' failed");
    assertThat(runtime.list()).isEmpty();
    assertThat(DockerTestSupport.workDir().resolve(SCOPE).resolve("bots")).isEmptyDirectory();
  }

  @Test
  void listsByLabelSegmentAndState() {
    runtime.create(workloads.sleepForever("seg-a").label(dev.berth.runtime.BotFilter.SEGMENT_LABEL, "1").build());
    runtime.create(workloads.sleepForever("seg-b").label(dev.berth.runtime.BotFilter.SEGMENT_LABEL, "2").build());
    runtime.start("seg-b");
    assertThat(runtime.list(dev.berth.runtime.BotFilter.builder().segment("1").build()))
        .extracting(BotStatus::id).containsExactly("seg-a");
    assertThat(runtime.list(dev.berth.runtime.BotFilter.builder().state(BotState.RUNNING).build()))
        .extracting(BotStatus::id).containsExactly("seg-b");
    assertThat(runtime.address("seg-b")).hasValueSatisfying(ip -> assertThat(ip).matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
    assertThat(runtime.address("seg-a")).isEmpty();
    assertThat(runtime.hostAddress()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void aFollowClosedAtOnceLeavesNoStreamThreadBehind() {
    runtime.create(workloads.sleepForever("follow-close").build());
    runtime.start("follow-close");
    for (int i = 0; i < 5; i++) {
      runtime.logs("follow-close", dev.berth.runtime.LogOptions.builder().follow(true).build()).close();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().equals("berth-docker-logs-follow-close")));
    assertThat(runtime.status("follow-close").state()).isEqualTo(BotState.RUNNING);
  }

  @Test
  void aFailedRecreateLeavesTheBotAsItWas() throws IOException {
    BotStatus before = runtime.create(workloads.sleepForever("keep").env(java.util.Map.of("MODE", "paper")).build());
    runtime.start("keep");
    assertThatThrownBy(() -> runtime.update("keep", BotUpdate.builder().image("local/absent:1").build()))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("local/absent:1");
    BotStatus after = runtime.status("keep");
    assertThat(after.runtimeId()).isEqualTo(before.runtimeId());
    assertThat(after.state()).isEqualTo(BotState.RUNNING);
    assertThat(runtime.list()).extracting(BotStatus::id).containsExactly("keep");
    assertThat(DockerTestSupport.containerIds(java.util.Map.of(Labels.SCOPE, SCOPE))).hasSize(1);
    assertThat(inspect(after).getConfig().getEnv()).contains("MODE=paper");
    BotStatus recreated = runtime.update("keep", BotUpdate.builder().env(java.util.Map.of("MODE", "live")).build());
    assertThat(recreated.state()).isEqualTo(BotState.RUNNING);
    assertThat(inspect(recreated).getName()).isEqualTo("/berth-" + SCOPE + "-keep");
    assertThat(Files.readString(DockerTestSupport.workDir().resolve(SCOPE).resolve("bots").resolve("keep")
        .resolve("spec.properties"))).contains("live");
  }

  @Test
  void aRememberedContainerIdDoesNotOutliveItsContainer() {
    BotStatus first = runtime.create(workloads.sleepForever("stale").build());
    DockerTestSupport.removeContainer(first.runtimeId());
    BotStatus second = runtime.create(workloads.sleepForever("stale").build()); // not "already exists"
    try (DockerRuntime other = DockerTestSupport.runtime(SCOPE).build()) {
      other.status("stale"); // remembers the second container
      runtime.delete("stale");
      BotStatus third = runtime.create(workloads.sleepForever("stale").build());
      other.delete("stale"); // its remembered container is gone: removes the new one
      assertThat(third.runtimeId()).isNotEqualTo(second.runtimeId());
      assertThat(DockerTestSupport.containerIds(java.util.Map.of(Labels.SCOPE, SCOPE, Labels.ID, "stale")))
          .isEmpty();
    }
  }

  @Test
  void aNameTakenByAnotherScopeGetsAHashSuffix() {
    String otherScope = SCOPE + "-x";
    BotStatus mine = runtime.create(workloads.sleepForever("x-y").build());
    try (DockerRuntime other = DockerTestSupport.runtime(otherScope).build()) {
      BotStatus theirs = other.create(workloads.sleepForever("y").build()); // same name berth-<SCOPE>-x-y
      try {
        assertThat(inspect(mine).getName()).isEqualTo("/berth-" + SCOPE + "-x-y");
        assertThat(inspect(theirs).getName()).isEqualTo("/berth-" + otherScope + "-y-"
            + DockerEndpoint.sha256(otherScope + "/y").substring(0, 8));
        assertThat(other.list()).extracting(BotStatus::id).containsExactly("y");
      } finally {
        other.delete("y");
      }
    }
    assertThat(DockerTestSupport.leftovers(otherScope)).isEmpty();
  }

  @Test
  void aMissingNetworkIsNotAMissingBot() {
    String network = "berth-" + SCOPE + "-gone-net";
    raw.client().createNetworkCmd().withName(network).exec();
    try {
      runtime.create(workloads.sleepForever("no-net").networkMode(dev.berth.runtime.NetworkMode.named(network))
          .build());
    } finally {
      raw.client().removeNetworkCmd(network).exec();
    }
    assertThatThrownBy(() -> runtime.start("no-net")).isInstanceOf(RuntimeOperationException.class)
        .isNotInstanceOf(BotNotFoundException.class).hasMessageContaining(network);
    assertThat(runtime.status("no-net").state()).isIn(BotState.CREATED, BotState.FAILED);
  }

  private void awaitLine(String id, String text) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      try (Stream<LogLine> lines = runtime.logs(id)) {
        return lines.map(LogLine::text).toList().contains(text);
      }
    });
  }

}
