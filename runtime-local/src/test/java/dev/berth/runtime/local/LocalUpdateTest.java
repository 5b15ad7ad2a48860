package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.awaitLogs;
import static dev.berth.runtime.local.LocalTestSupport.shBot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RuntimeOperationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Updates: a recreating one starts an empty log and ends follows of the previous run; failures are Berth's. */
class LocalUpdateTest {
  private static final String SLEEP = "trap 'exit 0' TERM; while :; do sleep 1000 & wait $!; done";

  @TempDir
  Path stateDir;

  @Test
  void aRecreatingUpdateEndsTheFollowOfThePreviousRunAndStartsAnEmptyLog() throws Exception {
    LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("recreate").build();
    try {
      runtime.create(shBot("bot", "trap 'exit 0' TERM; echo \"run-$V\"; while :; do sleep 1000 & wait $!; done")
          .env(Map.of("V", "1")).build());
      runtime.start("bot");
      awaitLogs(runtime, "bot", texts -> texts.contains("run-1"));
      List<String> followed = new CopyOnWriteArrayList<>();
      Thread follower = new Thread(() -> {
        try (Stream<LogLine> lines = runtime.logs("bot", LogOptions.following())) {
          lines.forEach(line -> followed.add(line.text()));
        }
      }, "test-follower");
      follower.setDaemon(true);
      follower.start();
      await().atMost(LocalTestSupport.WAIT).until(() -> followed.contains("run-1"));

      assertThat(runtime.update("bot", BotUpdate.builder().env(Map.of("V", "2")).build()).state())
          .isEqualTo(BotState.RUNNING);

      await("the follow of the previous run to end").atMost(LocalTestSupport.WAIT).until(() -> !follower.isAlive());
      assertThat(followed).as("what the follow of the first run got").startsWith("run-1").doesNotContain("run-2");
      assertThat(awaitLogs(runtime, "bot", texts -> !texts.isEmpty())).as("logs() of the recreated bot")
          .containsExactly("run-2");
    } finally {
      LocalTestSupport.cleanUp(runtime);
    }
  }

  @Test
  void aLimitThatCannotBeWrittenFailsTheUpdateWithABerthExceptionNamingTheBot() throws Exception {
    Path cgroupRoot = Files.createDirectories(stateDir.resolve("cgroup"));
    Files.writeString(cgroupRoot.resolve("cgroup.controllers"), "cpu memory pids");
    Files.writeString(cgroupRoot.resolve("cgroup.subtree_control"), "");
    LocalSettings settings = LocalRuntime.builder().stateDir(stateDir).scope("limits").settings();
    BotSupervisor supervisor = new BotSupervisor(settings, new Launcher(settings.objectStore()),
        Cgroups.detect(cgroupRoot));
    try {
      supervisor.create(shBot("limited", SLEEP).resources(Resources.builder().memory("64m").build()).build());
      supervisor.start("limited");
      Path memoryMax = cgroupRoot.resolve("berth/limits/bot-limited/memory.max");
      assertThat(memoryMax).hasContent(Long.toString(64L << 20));
      Files.delete(memoryMax);
      Files.createDirectory(memoryMax); // now the kernel, as it were, refuses the write

      assertThatThrownBy(() -> supervisor.update("limited",
          BotUpdate.builder().resources(Resources.builder().memory("128m").build()).build()))
          .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("'limited'");
      assertThat(supervisor.status("limited").state()).isEqualTo(BotState.RUNNING);
    } finally {
      supervisor.stop("limited", java.time.Duration.ofSeconds(5));
      supervisor.delete("limited");
      supervisor.close();
    }
  }
}
