package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup v2 logic against a fake hierarchy (this machine has cgroup v1). */
class CgroupsTest {
  @TempDir
  Path root;

  @Test
  void aMissingUnifiedHierarchyMeansNotEnforcedWithTheReason() {
    Cgroups cgroups = Cgroups.detect(root);
    assertThat(cgroups.enforced()).isFalse();
    assertThat(cgroups.note(Resources.builder().memory("64m").build()))
        .isEqualTo("memory limit not enforced: cgroup v2 not available");
    assertThat(cgroups.detail()).isEqualTo(root + " is not a cgroup2 mount");
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
}
