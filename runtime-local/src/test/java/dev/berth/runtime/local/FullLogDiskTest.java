package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bot's log directory is a 1 MiB tmpfs and the bot writes 2 MiB. The contract: the bot runs on (its
 * output stays in its raw file), its status message says that its log is not being written and why, its log
 * still reads what fit, and the runtime keeps serving every other bot (create, start, status, logs). Once
 * space is free again, copying resumes with nothing lost and the message is gone.
 */
class FullLogDiskTest {
  private static final String SCOPE = "full";
  private static final int LINES = 10_000; // of about 200 bytes: 2 MiB, twice what fits
  private static final String HOG = "trap 'exit 0' TERM; i=1; while [ $i -le $1 ]; do "
      + "printf 'line-%d %0190d\\n' $i 0; i=$((i+1)); done; echo done; while :; do sleep 1000 & wait $!; done";

  @TempDir
  Path stateDir;
  private LocalRuntime runtime;
  private Path mount;

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (runtime != null) {
        runtime.list().forEach(bot -> runtime.stop(bot.id(), Duration.ofMillis(200)));
      }
    } finally {
      unmount();
      if (runtime != null) {
        LocalTestSupport.cleanUp(runtime);
      }
    }
  }

  @Test
  void aBotWhoseLogDiskIsFullIsReportedAndTheOthersAreServed() throws Exception {
    runtime = LocalRuntime.builder().stateDir(stateDir).scope(SCOPE).noObjectStore().build();
    runtime.create(LocalTestSupport.shBot("hog", HOG, String.valueOf(LINES)).build());
    mount = Files.createDirectories(stateDir.resolve(SCOPE).resolve("bots/hog/logs"));
    mountTmpfs(mount);
    runtime.start("hog");
    runtime.create(LocalTestSupport.shBot("calm", "trap 'exit 0' TERM; echo one; echo two; "
        + "while :; do sleep 1000 & wait $!; done").build());
    runtime.start("calm");

    BotStatus full = await("the full log is reported").atMost(LocalTestSupport.WAIT)
        .until(() -> runtime.status("hog"), s -> s.message().contains("No space left on device"));
    assertThat(full.state()).isEqualTo(BotState.RUNNING);
    assertThat(full.message()).contains("log").contains(mount.toString());
    List<LogLine> fitted = runtime.logs("hog", LogOptions.DEFAULT).toList();
    assertThat(fitted).as("what fit is readable").isNotEmpty().hasSizeLessThan(LINES);
    assertThat(fitted.get(0).text()).startsWith("line-1 ");

    assertThat(LocalTestSupport.awaitLogs(runtime, "calm", texts -> texts.size() == 2)).containsExactly("one", "two");
    assertThat(runtime.status("calm").message()).doesNotContain("space");
    runtime.create(LocalTestSupport.shBot("late", "echo late").build());
    runtime.start("late");
    assertThat(LocalTestSupport.awaitLogs(runtime, "late", texts -> !texts.isEmpty())).containsExactly("late");

    remount("size=8m"); // space again: the copy resumes where it stopped
    List<String> texts = LocalTestSupport.awaitLogs(runtime, "hog", t -> t.size() == LINES + 1);
    assertThat(texts.get(LINES - 1)).startsWith("line-" + LINES + " ");
    assertThat(texts).doesNotHaveDuplicates();
    await().atMost(LocalTestSupport.WAIT).until(() -> runtime.status("hog").message().isEmpty());
  }

  private static void mountTmpfs(Path dir) throws IOException, InterruptedException {
    boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
    Assumptions.assumeTrue(root, "mounting a 1 MiB tmpfs needs root; this JVM is not root");
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", dir.toString())
        .redirectErrorStream(true).start();
    String output = new String(mount.getInputStream().readAllBytes());
    assertThat(mount.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Assumptions.assumeTrue(mount.exitValue() == 0, "mount -t tmpfs failed here: " + output);
  }

  private void remount(String options) throws IOException, InterruptedException {
    Process remount = new ProcessBuilder("mount", "-o", "remount," + options, mount.toString()).inheritIO().start();
    assertThat(remount.waitFor(10, TimeUnit.SECONDS) && remount.exitValue() == 0).as("remount").isTrue();
  }

  private void unmount() throws IOException, InterruptedException {
    if (mount == null) {
      return;
    }
    boolean mounted;
    try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mounts"))) {
      mounted = mounts.anyMatch(l -> l.split(" ")[1].equals(mount.toString()));
    }
    if (mounted) {
      new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
