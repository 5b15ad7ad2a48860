package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup v2 and v1 logic against fake hierarchies; {@link CgroupV1EnforcementTest} uses the real one. */
class CgroupsTest {
  @TempDir
  Path root;

  @Test
  void noHierarchyAtAllMeansNotEnforcedWithTheReason() {
    Cgroups cgroups = Cgroups.detect(root);
    assertThat(cgroups.enforced()).isFalse();
    assertThat(cgroups.detectsOomKill()).isFalse();
    assertThat(cgroups.note(Resources.builder().memory("64m").build()))
        .isEqualTo("memory limit not enforced: no cgroup v2 or v1 hierarchy found");
    assertThat(cgroups.summary()).contains(root + " has neither a cgroup2 mount nor v1");
    assertThat(cgroups.note(Resources.builder().memory("64m").cpuMillis(250).pids(10).build()))
        .startsWith("memory, cpu and pids limits not enforced: ");
    assertThat(cgroups.note(Resources.UNLIMITED)).isEmpty();
    assertThat(cgroups.prepare("s", "bot", "b", Resources.builder().memory("64m").build())).isEmpty();
  }

  @Test
  void aWritableHierarchyGetsLimitsWrittenIntoALeafPerWorkload() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
    Files.writeString(root.resolve("cgroup.subtree_control"), "");
    Cgroups cgroups = Cgroups.detect(root);
    assertThat(cgroups.enforced()).isTrue();
    assertThat(cgroups.detectsOomKill()).isTrue();
    assertThat(cgroups.note(Resources.builder().memory("64m").build())).isEmpty();
    Optional<Path> leaf = cgroups.prepare("scope-a", "bot", "b1",
        Resources.builder().memory("64m").cpuMillis(250).pids(32).build());
    assertThat(leaf).contains(root.resolve("berth/scope-a/bot-b1"));
    assertThat(leaf.get().resolve("memory.max")).hasContent(Long.toString(64L * 1024 * 1024));
    assertThat(leaf.get().resolve("cpu.max")).hasContent("25000 100000");
    assertThat(leaf.get().resolve("pids.max")).hasContent("32");
    assertThat(root.resolve("berth/scope-a/cgroup.subtree_control")).hasContent("+memory +cpu +pids");
    assertThat(cgroups.oomKilled(leaf.get())).isFalse();
    Files.writeString(leaf.get().resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    assertThat(cgroups.oomKilled(leaf.get())).isTrue();
    assertThat(cgroups.prepare("scope-a", "bot", "b2", Resources.UNLIMITED)).isEmpty();
  }

  @Test
  void theWrapperJoinsTheLeafBeforeTheWorkloadStarts() throws Exception {
    Path runDir = Files.createDirectory(root.resolve("run"));
    Path leaf = Files.createDirectory(root.resolve("leaf"));
    Files.createFile(leaf.resolve("cgroup.procs"));
    Process process = new ProcessBuilder(Wrapper.argv(runDir, Optional.of(leaf),
        java.util.List.of("sh", "-c", "cat \"$1\"", "workload", leaf.resolve("cgroup.procs").toString())))
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    process.waitFor();
    assertThat(output).as("the workload saw the wrapper's pid already in cgroup.procs")
        .isEqualTo(Long.toString(process.pid()));
    assertThat(runDir.resolve("exit")).hasContent("0\n");
  }

  /** A v1 controller mount as the kernel shows it: cgroup.procs, and the controller's files in every child. */
  private Path v1Controller(String name, String file) throws IOException {
    Path mount = Files.createDirectories(root.resolve(name));
    Files.writeString(mount.resolve("cgroup.procs"), "");
    Path base = Files.createDirectories(mount.resolve("berth"));
    Files.writeString(base.resolve(file), "");
    return mount;
  }

  @Test
  void v1ControllersGetALeafEachWithTheirLimits() throws IOException {
    Path memory = v1Controller("memory", "memory.limit_in_bytes");
    Files.writeString(memory.resolve("berth/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    Path cpu = v1Controller("cpu", "cpu.cfs_quota_us");
    Path pids = v1Controller("pids", "pids.max");
    Cgroups cgroups = Cgroups.detect(root);
    assertThat(cgroups.enforcesMemory()).isTrue();
    assertThat(cgroups.enforcesCpu()).isTrue();
    assertThat(cgroups.enforcesPids()).isTrue();
    assertThat(cgroups.detectsOomKill()).isTrue();
    assertThat(cgroups.note(Resources.builder().memory("64m").cpuMillis(250).pids(32).build())).isEmpty();
    assertThat(cgroups.summary()).startsWith("limits enforced with cgroup v1 (memory, cpu, pids)");

    Optional<Path> leaf = cgroups.prepare("scope-a", "bot", "b1",
        Resources.builder().memory("64m").cpuMillis(250).pids(32).build());
    assertThat(leaf).contains(memory.resolve("berth/scope-a/bot-b1"));
    assertThat(memory.resolve("berth/scope-a/bot-b1/memory.limit_in_bytes")).hasContent(Long.toString(64L << 20));
    assertThat(cpu.resolve("berth/scope-a/bot-b1/cpu.cfs_quota_us")).hasContent("25000");
    assertThat(cpu.resolve("berth/scope-a/bot-b1/cpu.cfs_period_us")).hasContent("100000");
    assertThat(pids.resolve("berth/scope-a/bot-b1/pids.max")).hasContent("32");
    assertThat(Cgroups.joined(leaf.get())).containsExactly(memory.resolve("berth/scope-a/bot-b1"),
        cpu.resolve("berth/scope-a/bot-b1"), pids.resolve("berth/scope-a/bot-b1"));

    cgroups.apply(leaf.get(), Resources.builder().cpuMillis(500).build());
    assertThat(memory.resolve("berth/scope-a/bot-b1/memory.limit_in_bytes")).hasContent("-1");
    assertThat(cpu.resolve("berth/scope-a/bot-b1/cpu.cfs_quota_us")).hasContent("50000");
    assertThat(pids.resolve("berth/scope-a/bot-b1/pids.max")).hasContent("max");

    assertThat(cgroups.oomKilled(leaf.get())).isFalse();
    Files.writeString(memory.resolve("berth/scope-a/bot-b1/memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    assertThat(cgroups.oomKilled(leaf.get())).isTrue();
  }

  @Test
  void swapIsLimitedToTheMemoryLimitInTheOrderTheKernelAccepts() throws IOException {
    Path dir = Files.createDirectories(root.resolve("leaf"));
    Files.writeString(dir.resolve("memory.limit_in_bytes"), "9223372036854771712");
    Files.writeString(dir.resolve("memory.memsw.limit_in_bytes"), "9223372036854771712");
    CgroupV1Limits.memory(dir, 32L << 20);
    assertThat(dir.resolve("memory.limit_in_bytes")).hasContent(Long.toString(32L << 20));
    assertThat(dir.resolve("memory.memsw.limit_in_bytes")).hasContent(Long.toString(32L << 20));
    CgroupV1Limits.memory(dir, 0);
    assertThat(dir.resolve("memory.limit_in_bytes")).hasContent("-1");
    assertThat(dir.resolve("memory.memsw.limit_in_bytes")).hasContent("-1");
  }

  @Test
  void aMissingV1ControllerIsNamedInTheNoteOfTheLimitsItWouldEnforce() throws IOException {
    v1Controller("memory", "memory.limit_in_bytes");
    Cgroups cgroups = Cgroups.detect(root);
    assertThat(cgroups.enforcesMemory()).isTrue();
    assertThat(cgroups.enforcesCpu()).isFalse();
    assertThat(cgroups.detectsOomKill()).as("no oom_kill counter in memory.oom_control").isFalse();
    assertThat(cgroups.note(Resources.builder().memory("64m").cpuMillis(250).pids(32).build()))
        .isEqualTo("cpu limit not enforced: cgroup v1 cpu controller not mounted; "
            + "pids limit not enforced: cgroup v1 pids controller not mounted");
    assertThat(cgroups.prepare("s", "bot", "b", Resources.builder().cpuMillis(250).build()))
        .contains(root.resolve("memory/berth/s/bot-b"));
  }
}
