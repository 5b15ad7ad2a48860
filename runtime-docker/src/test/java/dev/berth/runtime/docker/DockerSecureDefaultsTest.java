package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RuntimeConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The secure defaults of SECURITY.md, read back from the engine: for bots and backtests, no new privileges, every
 * capability dropped but the listed few, not privileged, no host network, PID, IPC, UTS or user namespace unless
 * asked, no devices, the engine's socket never mounted, the spec's limits set, an init process; and the kernel's
 * own view of the workload's process agrees.
 */
@Tag("docker")
class DockerSecureDefaultsTest {
  private static final String SCOPE = DockerTestSupport.uniqueScope("secure");
  private static final Resources LIMITS = Resources.builder().memory("48m").cpuMillis(300).pids(40).build();
  /** CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID and NET_BIND_SERVICE as /proc shows a mask. */
  private static final String DEFAULT_CAPABILITY_MASK = "00000000000004fb";
  private static final String REPORT = "grep -E '^(NoNewPrivs|CapEff|CapBnd):' /proc/self/status; echo reported; ";
  private static final String WAIT = "trap 'exit 0' TERM; while true; do sleep 1000 & wait $!; done";
  private static DockerConnection raw;
  private DockerRuntime runtime;
  private BacktestRunner runner;

  @BeforeAll
  static void connect() {
    DockerTestSupport.requireEngine();
    raw = DockerTestSupport.connection();
  }

  @BeforeEach
  void open() {
    runtime = DockerTestSupport.runtime(SCOPE).build();
    runner = DockerBacktestRunner.builder().config(RuntimeConfig.empty()).scope(SCOPE)
        .workDir(DockerTestSupport.workDir()).noObjectStore().build();
  }

  @AfterEach
  void cleanUp() {
    runtime.list().forEach(bot -> runtime.delete(bot.id()));
    runtime.close();
    runner.close();
  }

  @AfterAll
  static void nothingLeft() {
    if (raw != null) {
      assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
      raw.close();
    }
  }

  @Test
  void aBotRunsWithoutPrivilegesWithinItsLimitsUnderAnInit() {
    runtime.create(BotSpec.builder("bot").image(DockerTestSupport.IMAGE).command("sh", "-c", REPORT + WAIT)
        .resources(LIMITS).build());
    runtime.start("bot");

    InspectContainerResponse container = inspect(runtime.status("bot").runtimeId());
    assertSecure(container, "default");
    assertThat(container.getMounts()).filteredOn(mount -> mount.getDestination().getPath().equals("/bot"))
        .singleElement().satisfies(mount -> assertThat(mount.getRW()).as("bundle mount writable").isFalse());
    assertTheKernelAgrees();
  }

  @Test
  void aBacktestRunsWithoutPrivilegesWithinItsLimitsUnderAnInit() {
    String id = runner.submit(BacktestSpec.builder("backtest").image(DockerTestSupport.IMAGE)
        .command("sh", "-c", WAIT).resources(LIMITS).timeout(Duration.ofMinutes(2)).build()).id();
    try {
      List<String> containers = await().atMost(Duration.ofSeconds(30)).until(() -> DockerTestSupport.containerIds(
          Map.of(Labels.SCOPE, SCOPE, Labels.ID, id, Labels.KIND, Labels.KIND_BACKTEST)), ids -> !ids.isEmpty());

      assertSecure(inspect(containers.get(0)), "default");
    } finally {
      runner.cancel(id);
      runner.delete(id);
    }
  }

  @Test
  void hostNetworkingIsUsedOnlyWhenAskedAndLoosensNothingElse() {
    runtime.create(BotSpec.builder("asks-host").image(DockerTestSupport.IMAGE).command("sh", "-c", WAIT)
        .networkMode(NetworkMode.HOST).resources(LIMITS).build());
    runtime.create(BotSpec.builder("bridge").image(DockerTestSupport.IMAGE).command("sh", "-c", WAIT)
        .networkMode(NetworkMode.BRIDGE).resources(LIMITS).build());

    assertSecure(inspect(runtime.status("asks-host").runtimeId()), "host");
    assertSecure(inspect(runtime.status("bridge").runtimeId()), "bridge");
  }

  private static InspectContainerResponse inspect(String containerId) {
    return raw.client().inspectContainerCmd(containerId).exec();
  }

  private static void assertSecure(InspectContainerResponse container, String networkMode) {
    HostConfig host = container.getHostConfig();
    assertThat(host.getSecurityOpts()).as("security options").contains("no-new-privileges")
        .noneMatch(option -> option.contains("unconfined"));
    assertThat(host.getPrivileged()).as("privileged").isFalse();
    assertThat(host.getCapDrop()).as("capabilities dropped").containsExactly(Capability.ALL);
    assertThat(host.getCapAdd()).as("capabilities kept")
        .containsExactlyInAnyOrderElementsOf(ContainerFactory.DEFAULT_CAPABILITIES);
    assertThat(host.getNetworkMode()).as("network mode").isEqualTo(networkMode);
    assertThat(host.getPidMode()).as("PID namespace").isNullOrEmpty();
    assertThat(host.getIpcMode()).as("IPC namespace").isIn("private", "shareable");
    assertThat(host.getUtSMode()).as("UTS namespace").isNullOrEmpty();
    assertThat(host.getUsernsMode()).as("user namespace").isNullOrEmpty();
    assertThat(host.getDevices()).as("devices").isNullOrEmpty();
    assertThat(Arrays.stream(host.getBinds() == null ? new Bind[0] : host.getBinds()).map(Bind::getPath))
        .as("bind mounts").noneMatch(path -> path.contains("docker.sock") || path.equals("/"));
    assertThat(host.getInit()).as("init process").isTrue();
    assertThat(host.getMemory()).as("memory limit").isEqualTo(48L << 20);
    assertThat(host.getMemorySwap()).as("memory + swap limit (no swap on top)").isEqualTo(48L << 20);
    assertThat(host.getNanoCPUs()).as("CPU limit").isEqualTo(300_000_000L);
    assertThat(host.getPidsLimit()).as("process limit").isEqualTo(40L);
    assertThat(host.getOomKillDisable()).as("OOM killer disabled").isNotEqualTo(Boolean.TRUE);
  }

  private void assertTheKernelAgrees() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      try (Stream<LogLine> lines = runtime.logs("bot")) {
        assertThat(lines.map(LogLine::text)).contains("reported");
      }
    });
    try (Stream<LogLine> lines = runtime.logs("bot")) {
      assertThat(lines.map(line -> line.text().replaceAll("\\s+", " "))).contains("NoNewPrivs: 1",
          "CapEff: " + DEFAULT_CAPABILITY_MASK, "CapBnd: " + DEFAULT_CAPABILITY_MASK);
    }
  }
}
