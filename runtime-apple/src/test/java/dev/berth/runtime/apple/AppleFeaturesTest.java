package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.NetworkMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the kit does not pin, with real workloads through the fake CLI on the local engine. */
@Tag("docker")
class AppleFeaturesTest {
  private FakeContainer fake;
  private String scope;

  @BeforeEach
  void engine() {
    AppleTestSupport.requireEngine();
    scope = "features-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void removeContainers() {
    if (fake != null) {
      fake.removeContainers();
    }
  }

  private AppleRuntime runtime(Map<String, Object> settings) {
    if (fake == null) {
      fake = FakeContainer.install(AppleTestSupport.workDir("features"), settings);
    }
    return AppleRuntime.builder().executable(fake.executable()).scope(scope)
        .workDir(AppleTestSupport.workDir("features-work")).noObjectStore().build();
  }

  private static BotSpec.Builder sh(String id, String script) {
    return BotSpec.builder(id).image(AppleTestSupport.IMAGE).command("sh", "-c", script);
  }

  private static BotStatus awaitEnded(AppleRuntime runtime, String id) {
    return await().atMost(Duration.ofMinutes(2)).until(() -> runtime.status(id),
        s -> s.state() == BotState.FAILED || s.state() == BotState.STOPPED);
  }

  @Test
  void theExitCodeAndFinishTimeOutliveTheRuntimeThatSawThem() {
    try (AppleRuntime first = runtime(Map.of("mode", "docker"))) {
      first.create(sh("exits", "echo bye; exit 5").build());
      first.start("exits");
      awaitEnded(first, "exits");
    }
    try (AppleRuntime second = runtime(Map.of())) {
      BotStatus status = second.status("exits");
      assertThat(status.state()).isEqualTo(BotState.FAILED);
      assertThat(status.exitCode()).hasValue(5);
      assertThat(status.finishedAt()).isPresent();
      assertThat(status.finishedAt().get()).isAfterOrEqualTo(status.startedAt().orElseThrow());
      assertThat(second.logs("exits", LogOptions.DEFAULT)).extracting(LogLine::text).containsExactly("bye");
      second.delete("exits");
    }
  }

  @Test
  void aBotOnANamedNetworkHasAnAddressThere() {
    try (AppleRuntime runtime = runtime(Map.of("mode", "docker"))) {
      NetworkManager networks = runtime.require(NetworkManager.class);
      networks.create("backend", Map.of());
      try {
        runtime.create(sh("net", "trap 'exit 0' TERM; while true; do sleep 1000 & wait $!; done")
            .networkMode(NetworkMode.named("backend")).build());
        runtime.start("net");
        assertThat(runtime.address("net")).hasValueSatisfying(a -> assertThat(a).matches("[0-9.]+"));
        assertThat(runtime.hostAddress()).isNotBlank();
        runtime.delete("net");
      } finally {
        networks.remove("backend");
      }
      assertThat(networks.list()).isEmpty();
    }
  }

  @Test
  void thePre1ShapeRunsTheSameLifecycle() {
    try (AppleRuntime runtime = runtime(Map.of("mode", "docker", "shape", "pre-1.0"))) {
      runtime.create(sh("old", "trap 'exit 0' TERM; echo one; echo two >&2; while true; do sleep 1000 & wait $!; done")
          .build());
      runtime.start("old");
      assertThat(runtime.status("old").state()).isEqualTo(BotState.RUNNING);
      assertThat(runtime.address("old")).isPresent();
      List<LogLine> lines = await().atMost(Duration.ofMinutes(1)).until(() -> runtime.logs("old", LogOptions.DEFAULT)
          .collect(Collectors.toList()), l -> l.size() == 2);
      assertThat(lines).extracting(LogLine::text).containsExactlyInAnyOrder("one", "two");
      runtime.stop("old", Duration.ofSeconds(5));
      BotStatus stopped = runtime.status("old");
      assertThat(stopped.state()).isEqualTo(BotState.STOPPED);
      assertThat(stopped.exitCode()).hasValue(0);
      runtime.delete("old");
    }
  }

  @Test
  void aWorkloadRunningAsAnotherUserOnAReadOnlyRootStillHasItsExitRecorded() {
    try (AppleRuntime runtime = runtime(Map.of("mode", "docker"))) {
      runtime.create(sh("nobody", "id -u; touch /oops 2>/dev/null && exit 9; exit 6")
          .option("apple.user", "65534:65534").option("apple.read-only-rootfs", "true").build());
      runtime.start("nobody");
      BotStatus status = awaitEnded(runtime, "nobody");
      assertThat(status.exitCode()).as(status.message()).hasValue(6);
      assertThat(runtime.logs("nobody", LogOptions.DEFAULT)).extracting(LogLine::text).containsExactly("65534");
      runtime.delete("nobody");
    }
  }

  @Test
  void aFollowAfterARestartShowsBothRunsOnceEach() {
    try (AppleRuntime runtime = runtime(Map.of("mode", "docker"))) {
      runtime.create(sh("twice", "echo run").build());
      runtime.start("twice");
      awaitEnded(runtime, "twice");
      runtime.start("twice");
      await().atMost(Duration.ofMinutes(1)).until(() -> runtime.logs("twice", LogOptions.DEFAULT).count() == 2);
      awaitEnded(runtime, "twice");
      assertThat(runtime.logs("twice", LogOptions.following())).extracting(LogLine::text)
          .containsExactly("run", "run");
      runtime.delete("twice");
    }
  }
}
