package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.ImageManager;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RegistryCredentials;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.SidecarManager;
import dev.berth.runtime.UnsupportedFeatureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime against the fake CLI's docker-free mode: containers are records, nothing runs, so these tests
 * pin the calls Berth makes and how it reads the answers without an engine. What the wrapper would write
 * (the exit file) is written by the test.
 */
class AppleRuntimeTest {
  @TempDir
  Path dir;

  private FakeContainer fake;
  private AppleRuntime runtime;

  private AppleRuntime runtime(String scope) {
    return AppleRuntime.builder().executable(fake.executable()).scope(scope).workDir(dir.resolve("work"))
        .noObjectStore().build();
  }

  private AppleRuntime start(Map<String, Object> settings) {
    fake = FakeContainer.install(dir, settings);
    runtime = runtime("unit");
    return runtime;
  }

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private static BotSpec.Builder bot(String id) {
    return BotSpec.builder(id).image("docker.io/library/busybox:1").command("sh", "-c", "echo hi");
  }

  private List<String> callsStartingWith(String subcommand) {
    return fake.calls().stream().filter(c -> c.startsWith("[\"" + subcommand + "\"")).collect(Collectors.toList());
  }

  @Test
  void aBotGoesThroughItsLifeWithTheCallsOfTheCli() {
    start(Map.of("mode", "memory"));
    BotStatus created = runtime.create(bot("ticker").label("team", "quant").build());
    assertThat(created.state()).isEqualTo(BotState.CREATED);
    assertThat(runtime.status("ticker").state()).isEqualTo(BotState.CREATED);
    assertThat(runtime.status("ticker").labels()).isEqualTo(Map.of("team", "quant"));
    runtime.start("ticker");
    BotStatus running = runtime.status("ticker");
    assertThat(running.state()).isEqualTo(BotState.RUNNING);
    assertThat(running.startedAt()).isPresent();
    assertThat(runtime.address("ticker")).hasValue("192.168.64.3");
    runtime.stop("ticker", Duration.ofSeconds(3));
    assertThat(runtime.status("ticker").state()).isEqualTo(BotState.STOPPED);
    assertThat(runtime.status("ticker").message()).contains("stopped on request");
    assertThat(runtime.address("ticker")).isEmpty();
    runtime.delete("ticker");
    assertThatThrownBy(() -> runtime.status("ticker")).isInstanceOf(BotNotFoundException.class);
    assertThat(callsStartingWith("create")).hasSize(1);
    assertThat(callsStartingWith("start")).hasSize(1);
    assertThat(callsStartingWith("stop")).singleElement().asString().startsWith("[\"stop\", \"-t\", \"3\", ");
    assertThat(callsStartingWith("delete")).hasSize(1);
  }

  @Test
  void theCreateCallIsTheGoldenArgumentList() {
    start(Map.of("mode", "memory"));
    runtime.create(bot("golden").env("GREETING", "hi").config("{\"v\":1}").build());
    String name = Names.canonical("unit", dev.berth.runtime.WorkloadKind.BOT, "golden");
    Path container = dir.resolve("work").resolve("unit").resolve("bots").resolve("golden").resolve(name);
    String expected = "[\"create\", \"--name\", \"" + name + "\", "
        + "\"--env-file\", \"" + container.resolve("env") + "\", "
        + "\"--workdir\", \"/bot\", "
        + "\"--volume\", \"" + container.resolve("workspace") + ":/bot:ro\", "
        + "\"--volume\", \"" + container.resolve("state") + ":/berth\", "
        + "\"--entrypoint\", \"/bin/sh\", \"docker.io/library/busybox:1\", \"-c\", ";
    String call = callsStartingWith("create").get(0).replaceAll("\"--label\", \"berth\\.[^\"]*\", ", "");
    assertThat(call).startsWith(expected);
    assertThat(call).endsWith("\"berth-wrapper\", \"/berth\", \"sh\", \"-c\", \"echo hi\"]");
    assertThat(callsStartingWith("create").get(0)).contains("\"--label\", \"berth.managed=true\"",
        "\"--label\", \"berth.scope=unit\"", "\"--label\", \"berth.id=golden\"", "\"--label\", \"berth.kind=bot\"")
        .doesNotContain("berth.spec-hash");
    assertThat(container.resolve("env")).as("the env file, read by the CLI at create").doesNotExist();
  }

  @Test
  void whatTheWrapperRecordsMakesTheStatus() throws IOException {
    start(Map.of("mode", "memory"));
    runtime.create(bot("rec").build());
    runtime.start("rec");
    String name = runtime.status("rec").runtimeId();
    Path state = dir.resolve("work/unit/bots/rec").resolve(name).resolve("state");
    Files.writeString(state.resolve("exit"), "3\n");
    BotStatus failed = runtime.status("rec");
    assertThat(failed.state()).as("the exit file says the process is gone, though the CLI still says running")
        .isEqualTo(BotState.FAILED);
    assertThat(failed.exitCode()).hasValue(3);
    assertThat(failed.finishedAt()).isPresent();
    assertThat(runtime.list()).singleElement().extracting(BotStatus::state).isEqualTo(BotState.FAILED);
    runtime.stop("rec", Duration.ofSeconds(1));
    assertThat(runtime.status("rec").exitCode()).as("stop of a bot that has exited keeps its code").hasValue(3);
    Files.writeString(state.resolve("exit"), "127");
    Files.createDirectories(fake.stateFile().resolveSibling("logs"));
    Files.writeString(fake.stateFile().resolveSibling("logs").resolve(name),
        "1767261600 1E1 /berth: line 0: exec: berth-missing: not found\n");
    assertThat(runtime.status("rec").message()).contains("exited with code 127").contains("berth-missing");
    Files.delete(state.resolve("exit"));
    Files.createSymbolicLink(state.resolve("exit"), dir.resolve("elsewhere"));
    Files.writeString(dir.resolve("elsewhere"), "0");
    assertThat(runtime.status("rec").exitCode()).as("a link in the state directory is not followed").isEmpty();
  }

  @Test
  void logsComeFromTheTaggedLinesWithStreamsAndTimes() throws IOException {
    start(Map.of("mode", "memory"));
    runtime.create(bot("logs").build());
    runtime.start("logs");
    String name = runtime.status("logs").runtimeId();
    Files.createDirectories(fake.stateFile().resolveSibling("logs"));
    Files.writeString(fake.stateFile().resolveSibling("logs").resolve(name),
        "1767261600 1O1 a\n1767261601 1E1 b\n1767261602 1O2 c\n");
    List<LogLine> lines = runtime.logs("logs", LogOptions.DEFAULT).collect(Collectors.toList());
    assertThat(lines).containsExactly(LogLine.stdout(java.time.Instant.ofEpochSecond(1767261600), "a"),
        LogLine.stderr(java.time.Instant.ofEpochSecond(1767261601), "b"),
        LogLine.stdout(java.time.Instant.ofEpochSecond(1767261602), "c"));
    assertThat(runtime.logs("logs", LogOptions.builder().stderrOnly().build())).extracting(LogLine::text)
        .containsExactly("b");
    assertThat(runtime.logs("logs", LogOptions.tail(1))).extracting(LogLine::text).containsExactly("c");
    assertThat(callsStartingWith("logs")).last().asString().contains("\"-n\", \"1\"");
  }

  @Test
  void otherScopesAndContainersWithoutBerthsLabelsAreInvisible() {
    start(Map.of("mode", "memory"));
    fake.run("create", "--name", "someone-elses", "--label", "berth.id=mine", "docker.io/library/busybox:1");
    runtime.create(bot("mine").build());
    try (AppleRuntime other = runtime("other")) {
      assertThat(other.list()).isEmpty();
      assertThatThrownBy(() -> other.status("mine")).isInstanceOf(BotNotFoundException.class);
      other.delete("mine");
    }
    assertThat(runtime.list(BotFilter.builder().build())).extracting(BotStatus::id).containsExactly("mine");
    assertThat(fake.run("ls", "-a", "-q")).contains("someone-elses");
  }

  @Test
  void thePre1ShapeReadsTheSame() {
    start(Map.of("mode", "memory", "shape", "pre-1.0"));
    runtime.create(bot("old").build());
    runtime.start("old");
    assertThat(runtime.status("old").state()).isEqualTo(BotState.RUNNING);
    assertThat(runtime.address("old")).hasValue("192.168.64.3");
    assertThat(runtime.list()).extracting(BotStatus::id).containsExactly("old");
    assertThat(runtime.health().version()).isEqualTo("container-apiserver version 0.5.0 (build: release, "
        + "commit: fake)");
  }

  @Test
  void outputBerthCannotReadIsARuntimeOperationException() {
    start(Map.of("mode", "memory", "garble", true));
    assertThatThrownBy(() -> runtime.list()).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("container ls -a --format json").hasMessageContaining("half-written");
  }

  @Test
  void aStoppedServiceIsUnavailableAndHealthSaysHowToStartIt() {
    start(Map.of("mode", "memory", "down", true));
    assertThat(runtime.health().healthy()).isFalse();
    assertThat(runtime.health().message()).contains("container system start");
    assertThatThrownBy(() -> runtime.list()).isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("XPC connection error");
    assertThatThrownBy(() -> runtime.status("x")).isInstanceOf(RuntimeUnavailableException.class);
  }

  @Test
  void whatTheCliCannotDoIsRefusedBeforeAnythingIsCreated() {
    start(Map.of("mode", "memory", "networks", false));
    assertThatThrownBy(() -> runtime.create(bot("p").restartPolicy(RestartPolicy.ALWAYS).build()))
        .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("NEVER");
    assertThatThrownBy(() -> runtime.create(bot("h").networkMode(NetworkMode.HOST).build()))
        .isInstanceOf(UnsupportedFeatureException.class);
    assertThatThrownBy(() -> runtime.create(bot("n").networkMode(NetworkMode.named("backend")).build()))
        .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("container network");
    assertThatThrownBy(() -> runtime.create(bot("l").label("expr", "a=b").build()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("labels.expr");
    assertThatThrownBy(() -> runtime.create(bot("o").option("apple.usr", "x").build()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("apple.user");
    assertThatThrownBy(() -> runtime.create(bot("c").registryCredentials(new RegistryCredentials("ghcr.io", "u",
        "p")).build())).isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("registry login");
    assertThat(callsStartingWith("create")).isEmpty();
    assertThat(runtime.list()).isEmpty();
    assertThat(runtime.feature(NetworkManager.class)).isEmpty();
    assertThat(runtime.capabilities().networkModes()).doesNotContain(NetworkMode.Kind.NAMED);
  }

  @Test
  void theCliRefusingAValueIsInvalidSpecAndLeavesNothing() {
    start(Map.of("mode", "memory"));
    Path missing = dir.resolve("no-such-dir");
    assertThatThrownBy(() -> runtime.create(bot("m").mount(new dev.berth.runtime.Mount(missing.toString(), "/data", true)).build()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("does not exist");
    assertThat(runtime.list()).isEmpty();
    assertThat(dir.resolve("work/unit/bots/m")).doesNotExist();
  }

  @Test
  void featuresAreImagesExecAndNetworksButNoSidecars() {
    start(Map.of("mode", "memory"));
    assertThat(runtime.feature(ImageManager.class)).isPresent();
    assertThat(runtime.require(ImageManager.class).exists("docker.io/library/busybox:1")).isTrue();
    assertThat(runtime.require(ImageManager.class).exists("docker.io/library/nope:1")).isFalse();
    assertThat(runtime.require(ImageManager.class).list()).extracting(ImageManager.Image::tags)
        .contains(List.of("docker.io/library/busybox:1"));
    runtime.create(bot("ex").build());
    runtime.start("ex");
    ExecManager.ExecResult result = runtime.require(ExecManager.class).exec("ex", List.of("echo", "a b"),
        Duration.ofSeconds(30));
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("echo a b");
    NetworkManager networks = runtime.require(NetworkManager.class);
    assertThat(networks.create("backend", Map.of("tier", "1")).labels()).isEqualTo(Map.of("tier", "1"));
    assertThat(networks.list()).extracting(NetworkManager.Network::name).containsExactly("backend");
    networks.remove("backend");
    assertThat(networks.list()).isEmpty();
    assertThatThrownBy(() -> runtime.require(SidecarManager.class)).isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("requires the docker runtime");
  }

  @Test
  void aPortWithoutAHostPortIsPublishedOnOneFreeNow() {
    start(Map.of("mode", "memory"));
    runtime.create(bot("web").port(dev.berth.runtime.PortMapping.tcp(8080))
        .port(dev.berth.runtime.PortMapping.tcp(9090, 19090)).build());
    String call = callsStartingWith("create").get(0);
    assertThat(call).containsPattern("\"--publish\", \"[1-9][0-9]*:8080/tcp\"")
        .contains("\"--publish\", \"19090:9090/tcp\"").doesNotContain("\"0:8080");
  }

  @Test
  void toStringSaysTypeScopeAndEndpoint() {
    start(Map.of("mode", "memory"));
    assertThat(runtime).hasToString("AppleRuntime[type=apple, scope=unit, endpoint=" + fake.executable() + "]");
    assertThat(runtime.hostAddress()).isEqualTo("192.168.64.1");
    try (dev.berth.runtime.BacktestRunner runner = AppleBacktestRunner.builder().executable(fake.executable())
        .scope("unit").workDir(dir.resolve("work")).noObjectStore().build()) {
      assertThat(runner).hasToString("BacktestRunner[type=apple, scope=unit, endpoint=" + fake.executable() + "]");
    }
  }
}
