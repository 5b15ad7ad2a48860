package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.awaitLogs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM that started the bots dies (SIGKILL, no shutdown hooks): the bots keep running, a bot that exits
 * while no JVM watches still gets its exit code recorded, and a new runtime re-adopts all of them.
 */
class OwnerJvmCrashTest {
  @TempDir
  Path stateDir;

  @Test
  void botsOutliveTheirOwnerJvmAndAreReadoptedByTheNextRuntime() throws Exception {
    Path go = stateDir.resolve("go");
    Path output = stateDir.resolve("owner.out");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process owner = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        CrashingOwner.class.getName(), stateDir.toString(), "crash", go.toString())
        .redirectOutput(output.toFile()).redirectError(stateDir.resolve("owner.err").toFile()).start();
    LocalRuntime runtime = null;
    try {
      String ready = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> Files.readString(output, StandardCharsets.UTF_8), text -> text.startsWith("READY "));
      String steadyId = ready.trim().substring("READY ".length());
      long steadyPid = Long.parseLong(steadyId.substring("pid:".length()));

      owner.destroyForcibly();
      assertThat(owner.waitFor(30, TimeUnit.SECONDS)).as("the owner JVM died").isTrue();
      assertThat(ProcessHandle.of(steadyPid).map(ProcessHandle::isAlive)).as("the bot outlived its owner")
          .contains(true);

      Files.createFile(go); // exits-later now exits 7 with no JVM watching
      Path exitFile = stateDir.resolve("crash/bots/exits-later/run/exit");
      await().atMost(LocalTestSupport.WAIT).until(() -> Files.exists(exitFile) && Files.size(exitFile) > 0);

      runtime = LocalRuntime.builder().stateDir(stateDir).scope("crash").build();
      BotStatus steady = runtime.status("steady");
      assertThat(steady.state()).isEqualTo(BotState.RUNNING);
      assertThat(steady.runtimeId()).isEqualTo(steadyId);
      BotStatus later = runtime.status("exits-later");
      assertThat(later.state()).isEqualTo(BotState.FAILED);
      assertThat(later.exitCode()).hasValue(7);
      assertThat(LocalTestSupport.texts(runtime, "exits-later")).containsExactly("bye");
      assertThat(runtime.status("ticker").state()).isEqualTo(BotState.RUNNING);
      List<String> ticks = awaitLogs(runtime, "ticker", texts -> texts.size() >= 40);
      assertThat(ticks.subList(0, 40)).as("no tick lost across the owner's death")
          .isEqualTo(IntStream.rangeClosed(1, 40).mapToObj(i -> "tick-" + i).toList());

      LocalRuntime adopted = runtime;
      runtime.stop("steady", Duration.ofSeconds(5));
      runtime.stop("ticker", Duration.ofSeconds(5));
      assertThat(runtime.status("steady").state()).isEqualTo(BotState.STOPPED);
      assertThat(runtime.status("steady").exitCode()).hasValue(0);
      assertThat(runtime.status("ticker").state()).isEqualTo(BotState.STOPPED);
      // Its new parent (init) reaps it a moment later.
      await().atMost(LocalTestSupport.WAIT).until(() -> ProcessHandle.of(steadyPid).map(h -> !h.isAlive()).orElse(true));
      List<String> lastTicks = LocalTestSupport.texts(adopted, "ticker", LogOptions.tail(1));
      assertThat(lastTicks).hasSize(1);
    } finally {
      owner.destroyForcibly();
      if (runtime == null) {
        runtime = LocalRuntime.builder().stateDir(stateDir).scope("crash").build();
      }
      LocalTestSupport.cleanUp(runtime);
    }
  }
}
