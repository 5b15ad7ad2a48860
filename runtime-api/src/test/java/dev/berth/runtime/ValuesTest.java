package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void resourcesParseSizesAndRejectNegatives() {
    assertThat(Resources.builder().memory("512m").cpuMillis(500).pids(64).build())
        .isEqualTo(new Resources(512L * 1024 * 1024, 500, 64));
    assertThat(Resources.builder().memory("1GiB").build().memoryBytes()).isEqualTo(1L << 30);
    assertThat(Resources.UNLIMITED.isUnlimited()).isTrue();
    assertThatThrownBy(() -> new Resources(-1, -2, -3))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("resources.memoryBytes: -1 is negative")
        .hasMessageContaining("resources.cpuMillis")
        .hasMessageContaining("resources.pids");
    assertThatThrownBy(() -> Resources.builder().memory("lots").build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("resources.memory: 'lots' is not a size");
    assertThatThrownBy(() -> new Resources(1000, 0, 0)).hasMessageContaining("below the 4 MiB");
  }

  @Test
  void sizes() {
    assertThat(Sizes.parse("f", "1024")).isEqualTo(1024);
    assertThat(Sizes.parse("f", "64k")).isEqualTo(65536);
    assertThat(Sizes.parse("f", "2 MB")).isEqualTo(2L << 20);
    assertThat(Sizes.parse("f", "1t")).isEqualTo(1L << 40);
    assertThatThrownBy(() -> Sizes.parse("f", "-1k")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> Sizes.parse("f", "99999999999t")).isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void networkModes() {
    assertThat(NetworkMode.named("bots").toString()).isEqualTo("network:bots");
    assertThat(NetworkMode.HOST.toString()).isEqualTo("host");
    assertThatThrownBy(() -> NetworkMode.named(" ")).hasMessageContaining("networkMode.name: is empty");
    assertThatThrownBy(() -> new NetworkMode(NetworkMode.Kind.HOST, "x"))
        .hasMessageContaining("only meaningful for a named network");
  }

  @Test
  void ports() {
    assertThat(PortMapping.tcp(80).hostPort()).isZero();
    assertThatThrownBy(() -> PortMapping.tcp(0)).hasMessageContaining("ports.containerPort: 0 is not a port");
    assertThatThrownBy(() -> new PortMapping(80, 70000, "sctp"))
        .hasMessageContaining("ports.hostPort").hasMessageContaining("'sctp' is not supported");
  }

  @Test
  void restartPolicyDecisions() {
    assertThat(RestartPolicy.NEVER.shouldRestart(1, 0)).isFalse();
    assertThat(RestartPolicy.ALWAYS.shouldRestart(0, 100)).isTrue();
    RestartPolicy twice = RestartPolicy.onFailure(2);
    assertThat(twice.shouldRestart(0, 0)).isFalse();
    assertThat(twice.shouldRestart(1, 0)).isTrue();
    assertThat(twice.shouldRestart(1, 1)).isTrue();
    assertThat(twice.shouldRestart(1, 2)).isFalse();
    assertThat(RestartPolicy.onFailure(0).shouldRestart(1, 1000)).isTrue();
    assertThatThrownBy(() -> RestartPolicy.onFailure(-1)).hasMessageContaining("restartPolicy.maxRetries: -1");
    assertThatThrownBy(() -> new RestartPolicy(RestartPolicy.Kind.ALWAYS, 3))
        .hasMessageContaining("only applies to ON_FAILURE");
  }

  @Test
  void mountsAndCredentials() {
    assertThat(Mount.readOnly("/host", "/data").readOnly()).isTrue();
    assertThatThrownBy(() -> Mount.readWrite("/host", "data")).hasMessageContaining("mounts.target: 'data' is not absolute");
    assertThatThrownBy(() -> new RegistryCredentials("", "u", "p")).hasMessageContaining("registryCredentials.registry");
    assertThat(new RegistryCredentials("r", "u", "secret").toString()).doesNotContain("secret");
  }

  @Test
  void codeBundles() {
    assertThat(CodeBundle.archive(Path.of("a/b.tar.gz"))).isInstanceOfSatisfying(CodeBundle.Archive.class,
        a -> assertThat(a.format()).isEqualTo(CodeBundle.ArchiveFormat.TAR_GZ));
    assertThat(((CodeBundle.Archive) CodeBundle.archive(Path.of("b.ZIP"))).format()).isEqualTo(CodeBundle.ArchiveFormat.ZIP);
    assertThat(CodeBundle.stored("m/v1.tgz")).isEqualTo(new CodeBundle.Stored(ObjectStore.CODE_BUCKET, "m/v1.tgz"));
    assertThatThrownBy(() -> CodeBundle.archive(Path.of("b.rar"))).hasMessageContaining("codeBundle.path: 'b.rar'");
    assertThatThrownBy(() -> CodeBundle.stored("", "k.txt"))
        .hasMessageContaining("codeBundle.bucket").hasMessageContaining("codeBundle.key: 'k.txt'");
  }

  @Test
  void logOptionsFilter() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    LogOptions options = LogOptions.builder().since(t0).stderrOnly().build();
    assertThat(options.accepts(LogLine.stderr(t0, "x"))).isTrue();
    assertThat(options.accepts(LogLine.stderr(t0.minusMillis(1), "x"))).isFalse();
    assertThat(options.accepts(LogLine.stdout(t0, "x"))).isFalse();
    assertThat(LogOptions.DEFAULT.tail()).isEqualTo(LogOptions.ALL);
    assertThat(LogOptions.following().follow()).isTrue();
    assertThatThrownBy(() -> LogOptions.tail(-2)).hasMessageContaining("tail: -2 is invalid");
    assertThatThrownBy(() -> LogOptions.builder().streams(EnumSet.noneOf(LogStream.class)).build())
        .hasMessageContaining("streams: is empty");
  }

  @Test
  void botFilterMatches() {
    BotStatus status = BotStatus.builder("b").state(BotState.RUNNING)
        .labels(Map.of("team", "quant", BotFilter.SEGMENT_LABEL, "2")).build();
    assertThat(BotFilter.ALL.matches(status)).isTrue();
    assertThat(BotFilter.builder().label("team", "quant").state(BotState.RUNNING).segment("2").build().matches(status)).isTrue();
    assertThat(BotFilter.builder().label("team", "ops").build().matches(status)).isFalse();
    assertThat(BotFilter.builder().state(BotState.STOPPED).build().matches(status)).isFalse();
    assertThat(BotFilter.builder().segment("1").build().matches(status)).isFalse();
  }

  @Test
  void statusAndResultRecordsCopyAndDerive() {
    Map<String, String> labels = new HashMap<>(Map.of("a", "1"));
    BotStatus status = BotStatus.builder("b").state(BotState.FAILED).exitCode(3).restartCount(2).labels(labels).build();
    labels.put("b", "2");
    assertThat(status.labels()).containsOnlyKeys("a");
    assertThat(status.toBuilder().build()).isEqualTo(status);
    assertThat(status.exitCode()).hasValue(3);
    assertThat(status.isRunning()).isFalse();
    assertThat(BotState.FAILED.isTerminal()).isTrue();
    assertThat(BacktestState.RUNNING.isTerminal()).isFalse();

    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    BacktestResult result = BacktestResult.builder("bt", BacktestState.SUCCEEDED).exitCode(0)
        .resultJson("{}").startedAt(start).finishedAt(start.plusSeconds(5))
        .logTail(List.of(LogLine.stdout(start, "done"))).build();
    assertThat(result.succeeded()).isTrue();
    assertThat(result.duration()).contains(Duration.ofSeconds(5));
    assertThat(result.status().state()).isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.resultLocation()).isEmpty();
  }

  @Test
  void botUpdateAppliesOnlyWhatIsSet() {
    BotSpec spec = BotSpec.builder("b").image("img:1").command("run").env("A", "1").build();
    BotUpdate resourcesOnly = BotUpdate.builder().resources(Resources.builder().cpuMillis(250).build()).build();
    assertThat(resourcesOnly.requiresRecreate()).isFalse();
    assertThat(resourcesOnly.applyTo(spec).resources().cpuMillis()).isEqualTo(250);
    assertThat(resourcesOnly.applyTo(spec).env()).isEqualTo(spec.env());
    BotUpdate image = BotUpdate.builder().image("img:2").config("{\"x\":1}").build();
    assertThat(image.requiresRecreate()).isTrue();
    assertThat(image.applyTo(spec).image()).isEqualTo("img:2");
    assertThat(BotUpdate.builder().build().isEmpty()).isTrue();
    assertThatThrownBy(() -> BotUpdate.builder().config("{").env(Map.of("9", "x")).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("config:").hasMessageContaining("env:");
  }

  @Test
  void capabilities() {
    Capabilities caps = Capabilities.builder().enforcesMemoryLimit(true)
        .networkModes(EnumSet.of(NetworkMode.Kind.DEFAULT, NetworkMode.Kind.HOST))
        .restartPolicies(EnumSet.allOf(RestartPolicy.Kind.class)).build();
    assertThat(caps.supports(NetworkMode.HOST)).isTrue();
    assertThat(caps.supports(NetworkMode.NONE)).isFalse();
    assertThat(caps.supports(RestartPolicy.onFailure(1))).isTrue();
    assertThatThrownBy(() -> caps.networkModes().add(NetworkMode.Kind.NONE))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void progressFraction() {
    assertThat(new Progress("pull", "img", 50, 200, "Downloading").fraction()).hasValue(0.25);
    assertThat(new Progress("pull", "img", 50, -1, "").fraction()).isEmpty();
  }

  @Test
  void exceptionsSayWhatAndHow() {
    assertThat(new BotNotFoundException("b1")).hasMessageContaining("'b1'").hasMessageContaining("create it first");
    assertThat(new BotAlreadyExistsException("b1").botId()).isEqualTo("b1");
    assertThat(new BacktestTimeoutException("bt", Duration.ofSeconds(3))).hasMessageContaining("PT3S");
    assertThat(UnsupportedFeatureException.of(SidecarManager.class, "apple"))
        .hasMessage("SidecarManager is not available on the 'apple' runtime; it requires the docker runtime.");
    assertThat(new InvalidSpecException("BotSpec", List.of("id: bad"))).hasMessage("Invalid BotSpec: id: bad");
    assertThat(new RuntimeOperationException("boom", new IllegalStateException("x"))).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(Optional.of(new BotNotFoundException("x")).get()).isInstanceOf(BerthException.class);
  }
}
