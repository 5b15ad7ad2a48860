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
    assertThat(PortMapping.udp(53).protocol()).isEqualTo(PortMapping.Protocol.UDP);
    assertThat(PortMapping.Protocol.UDP.label()).isEqualTo("udp");
    assertThatThrownBy(() -> new PortMapping(80, 70000, PortMapping.Protocol.TCP))
        .hasMessageContaining("ports.hostPort: 70000 is not a port");
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
    BotStatus status = BotStatus.builder("b", BotState.RUNNING)
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
    BotStatus status = BotStatus.builder("b", BotState.FAILED).exitCode(3).restartCount(2).labels(labels).build();
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
    assertThat(result.toBuilder().build()).isEqualTo(result);
    assertThat(result.toBuilder().state(BacktestState.FAILED).build().state()).isEqualTo(BacktestState.FAILED);

    BacktestStatus pending = BacktestStatus.builder("bt", BacktestState.PENDING).build();
    assertThat(pending.exitCode()).isEmpty();
    assertThat(pending.startedAt()).isEmpty();
    BacktestStatus ended = pending.toBuilder().state(BacktestState.FAILED).exitCode(2).finishedAt(start).build();
    assertThat(ended.toBuilder().build()).isEqualTo(ended);
    assertThat(ended.exitCode()).hasValue(2);
  }

  @Test
  void botUpdateAppliesOnlyWhatIsSet() {
    BotSpec spec = BotSpec.builder("b").image("img:1").command("run").env("A", "1").build();
    BotUpdate resourcesOnly = BotUpdate.builder().resources(Resources.builder().cpuMillis(250).build()).build();
    assertThat(resourcesOnly.applyTo(spec).resources().cpuMillis()).isEqualTo(250);
    assertThat(resourcesOnly.applyTo(spec).env()).isEqualTo(spec.env());
    BotUpdate image = BotUpdate.builder().image("img:2").config("{\"x\":1}").build();
    assertThat(image.applyTo(spec).image()).isEqualTo("img:2");
    assertThat(BotUpdate.builder().build().isEmpty()).isTrue();
    assertThatThrownBy(() -> BotUpdate.builder().config("{").env(Map.of("9", "x")).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("config:").hasMessageContaining("env:");
    assertThatThrownBy(() -> BotUpdate.builder().config("[1]").env(Map.of("A", "x\0")).image("i\0").build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("config: is a JSON array, not an object")
        .hasMessageContaining("env.A: value contains a NUL character")
        .hasMessageContaining("image: contains a NUL character");
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
    assertThat(new BotNotFoundException("b1", "svc")).hasMessage("No bot with id 'b1' exists in scope 'svc'. "
        + "Check the id, or create it first with create(spec).");
    assertThat(new BacktestNotFoundException("x", "default")).hasMessage("No backtest with id 'x' exists in "
        + "scope 'default'. Check the id, or submit it first.");
    assertThat(WorkloadNotFoundException.of(WorkloadKind.BACKTEST, "x", "s"))
        .isInstanceOf(BacktestNotFoundException.class)
        .satisfies(e -> assertThat(e.kind()).isEqualTo(WorkloadKind.BACKTEST))
        .satisfies(e -> assertThat(e.id()).isEqualTo("x"))
        .satisfies(e -> assertThat(e.scope()).isEqualTo("s"));
    assertThat(WorkloadNotFoundException.of(WorkloadKind.BOT, "b", "s")).isInstanceOf(BotNotFoundException.class);
    WorkloadAlreadyExistsException taken = new BacktestAlreadyExistsException("bt", "svc");
    assertThat(taken).hasMessageStartingWith("A backtest with id 'bt' already exists in scope 'svc'");
    assertThat(taken.kind()).isEqualTo(WorkloadKind.BACKTEST);
    assertThat(new BotAlreadyExistsException("b1", "svc").id()).isEqualTo("b1");
    assertThat(new BotAlreadyExistsException("b1", "svc")).hasMessageContaining("A bot with id 'b1'");
    BacktestTimeoutException timeout = new BacktestTimeoutException("bt", Duration.ofSeconds(3), BacktestState.RUNNING);
    assertThat(timeout).hasMessage("Backtest 'bt' has not ended within PT3S (it is RUNNING and keeps running). "
        + "Wait again, cancel it, or check its logs for a hang.");
    assertThat(timeout.state()).isEqualTo(BacktestState.RUNNING);
    assertThat(RuntimeClosedException.runtime("docker", "x"))
        .hasMessageStartingWith("This docker runtime (scope 'x') is closed; create a new one.");
    assertThat(RuntimeClosedException.backtestRunner("local", "x"))
        .hasMessage("This local backtest runner (scope 'x') is closed; create a new one.");
    assertThat(UnsupportedFeatureException.of(SidecarManager.class, "apple"))
        .hasMessage("SidecarManager is not available on the 'apple' runtime; it requires the docker runtime.");
    assertThat(new InvalidSpecException("BotSpec", List.of("id: bad"))).hasMessage("Invalid BotSpec: id: bad");
    assertThat(new RuntimeOperationException("boom", new IllegalStateException("x"))).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(Optional.of(new BotNotFoundException("x", "s")).get()).isInstanceOf(BerthException.class);
  }

  @Test
  void getBytesReportsAFailedReadAsABerthException() {
    ObjectStore failing = new ObjectStore() {
      @Override
      public Optional<java.io.InputStream> get(String bucket, String key) {
        return Optional.of(new java.io.InputStream() {
          @Override
          public int read() throws java.io.IOException {
            throw new java.io.IOException("connection reset");
          }
        });
      }

      @Override public void put(String b, String k, java.io.InputStream d, long l, String c) {}
      @Override public boolean exists(String b, String k) { return true; }
      @Override public List<ObjectInfo> list(String b, String p) { return List.of(); }
      @Override public void delete(String b, String k) {}
      @Override public java.net.URI presignedGet(String b, String k, Duration e) { return java.net.URI.create("x:y"); }
      @Override public java.net.URI presignedPut(String b, String k, Duration e) { return java.net.URI.create("x:y"); }
    };
    assertThatThrownBy(() -> failing.getBytes("test-results", "bt/result.json"))
        .isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("test-results/bt/result.json").hasMessageContaining("connection reset");
  }

  @Test
  void idsAreCheckedWithTheKindsFieldName() {
    assertThat(WorkloadKind.BOT.requireValidId("bot-1")).isEqualTo("bot-1");
    assertThat(WorkloadKind.isValidId("../x")).isFalse();
    assertThatThrownBy(() -> WorkloadKind.BOT.requireValidId("../x"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage("Invalid argument: botId: '../x' is not a DNS-1123 label; use lower-case letters, digits and "
            + "'-', starting and ending with a letter or digit, at most 63 characters");
    assertThatThrownBy(() -> WorkloadKind.BACKTEST.requireValidId(null))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("backtestId: is missing");
    assertThatThrownBy(() -> WorkloadKind.BACKTEST.requireValidId("a\0b"))
        .hasMessageContaining("backtestId: 'a\\0b' is not a DNS-1123 label");
    assertThat(WorkloadKind.BACKTEST.label()).isEqualTo("backtest");
  }

  @Test
  void everyExceptionSerializes() throws Exception {
    List<BerthException> exceptions = List.of(new InvalidSpecException("BotSpec", List.of("id: bad", "env: bad")),
        new BotNotFoundException("b", "s"), new BacktestNotFoundException("b", "s"),
        new BotAlreadyExistsException("b", "s"), new BacktestAlreadyExistsException("b", "s"),
        new BacktestTimeoutException("b", Duration.ofSeconds(1), BacktestState.PENDING),
        RuntimeClosedException.runtime("mock", "s"), new InvalidConfigException("k", "bad"),
        new RuntimeOperationException("boom"), new RuntimeUnavailableException("down"),
        new UnsupportedFeatureException("no"));
    for (BerthException exception : exceptions) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(exception);
      }
      try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
          new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        Throwable copy = (Throwable) in.readObject();
        assertThat(copy).isInstanceOf(exception.getClass()).hasMessage(exception.getMessage());
      }
    }
    InvalidSpecException spec = new InvalidSpecException("BotSpec", List.of("id: bad", "env: bad"));
    assertThat(spec.violations()).containsExactly("id: bad", "env: bad");
    assertThatThrownBy(() -> spec.violations().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }
}
