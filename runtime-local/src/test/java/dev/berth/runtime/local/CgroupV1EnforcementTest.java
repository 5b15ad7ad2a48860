package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.awaitState;
import static dev.berth.runtime.local.LocalTestSupport.shBot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits on a host with writable cgroup v1 controllers (as root on this machine): a bot over its memory
 * limit is OOM-killed and reads FAILED 137 with oomKilled; its processes run in the per-bot cgroups, which go
 * away with the bot. Skipped where the v1 hierarchy is absent or not writable.
 */
class CgroupV1EnforcementTest {
  private static final Path V1 = Path.of("/sys/fs/cgroup");
  private static final String SCOPE = "v1-limits-" + ProcessHandle.current().pid();

  @TempDir
  Path stateDir;
  LocalRuntime runtime;

  @BeforeEach
  void open() {
    assumeTrue(!Files.exists(V1.resolve("cgroup.controllers"))
        && List.of("memory", "cpu", "pids").stream().allMatch(c -> Files.isWritable(V1.resolve(c).resolve("cgroup.procs"))),
        "needs writable cgroup v1 memory, cpu and pids controllers under /sys/fs/cgroup (root on a v1 host)");
    runtime = LocalRuntime.builder().stateDir(stateDir).scope(SCOPE).build();
  }

  @AfterEach
  void close() {
    if (runtime != null) {
      LocalTestSupport.cleanUp(runtime);
    }
  }

  @Test
  void capabilitiesSayWhatIsEnforced() {
    Capabilities capabilities = runtime.capabilities();
    assertThat(capabilities.enforcesMemoryLimit()).isTrue();
    assertThat(capabilities.enforcesCpuLimit()).isTrue();
    assertThat(capabilities.enforcesPidsLimit()).isTrue();
    assertThat(capabilities.detectsOomKill()).isTrue();
    assertThat(runtime.health().message()).contains("limits enforced with cgroup v1 (memory, cpu, pids)");
  }

  @Test
  void aBotOverItsMemoryLimitIsOomKilled() {
    runtime.create(shBot("hog", "head -c \"$1\" /dev/zero | tail", Long.toString(256L << 20))
        .resources(Resources.builder().memory("32m").build()).build());
    assertThat(runtime.status("hog").message()).as("no 'not enforced' note").doesNotContain("not enforced");
    runtime.start("hog");
    BotStatus status = awaitState(runtime, "hog", BotState.FAILED, BotState.STOPPED);
    assertThat(status.state()).as("state of a bot that allocated 256 MiB under a 32 MiB limit (%s)", status.message())
        .isEqualTo(BotState.FAILED);
    assertThat(status.exitCode()).hasValue(137);
    assertThat(status.oomKilled()).isTrue();
    assertThat(status.message()).contains("killed for exceeding its memory limit").doesNotContain("not enforced");
    assertThat(runtime.status("hog").oomKilled()).as("oomKilled in the next status()").isTrue();
    assertThat(runtime.list().get(0).oomKilled()).as("oomKilled in list()").isTrue();
  }

  @Test
  void theWorkloadRunsInItsCgroupsWithTheLimitsWhichGoAwayWithTheBot() throws IOException {
    runtime.create(shBot("limited", "trap 'exit 0' TERM; echo $$ > pid; while :; do sleep 1000 & wait $!; done")
        .resources(Resources.builder().memory("64m").cpuMillis(250).pids(50).build()).build());
    runtime.start("limited");
    Path pidFile = stateDir.resolve(SCOPE).resolve("bots/limited/workspace/pid");
    org.awaitility.Awaitility.await().atMost(LocalTestSupport.WAIT).until(() -> Files.exists(pidFile)
        && !Files.readString(pidFile).isBlank());
    String cgroups = Files.readString(Path.of("/proc", Files.readString(pidFile).trim(), "cgroup"));
    String leaf = "/berth/" + SCOPE + "/bot-limited";
    assertThat(cgroups).contains(":memory:" + leaf, ":cpu:" + leaf, ":pids:" + leaf);
    assertThat(V1.resolve("memory/berth/" + SCOPE + "/bot-limited/memory.limit_in_bytes")).hasContent("67108864\n");
    assertThat(V1.resolve("cpu/berth/" + SCOPE + "/bot-limited/cpu.cfs_quota_us")).hasContent("25000\n");
    assertThat(V1.resolve("pids/berth/" + SCOPE + "/bot-limited/pids.max")).hasContent("50\n");

    runtime.delete("limited");
    for (String controller : List.of("memory", "cpu", "pids")) {
      assertThat(V1.resolve(controller + "/berth/" + SCOPE)).as("%s cgroup of the scope after its last bot's delete",
          controller).doesNotExist();
    }
  }
}
