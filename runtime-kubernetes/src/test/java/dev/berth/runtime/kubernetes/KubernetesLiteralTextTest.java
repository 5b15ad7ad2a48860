package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.kubernetes.sim.SimulatedClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kubelet expands {@code $(NAME)} and reduces {@code $$} to {@code $} in a container's command, args and env
 * values; what Berth writes there reaches the process as written all the same: the user's argv and env, and
 * Berth's own stream-marking script (whose {@code $$} is the shell's pid, needed to pass SIGTERM on).
 */
@Tag("docker")
class KubernetesLiteralTextTest {
  @RegisterExtension
  static final SimulatedClusterExtension SIMULATION = new SimulatedClusterExtension();

  private static KubernetesRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = KubeTestSupport.on(KubernetesRuntime.builder(), SIMULATION.cluster(), "literal").build();
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void argvAndEnvValuesReachTheProgramAsWritten() {
    runtime.create(BotSpec.builder("dollars").image(KubeTestSupport.IMAGE)
        .command("sh", "-c", "printf '%s|' \"$@\"; echo; echo \"A=$A\"", "berth", "$(BOT_ID)", "$$", "a$b",
            "$(HOME)$$(X)")
        .env("A", "$(BOT_ID)-$$-$").restartPolicy(RestartPolicy.NEVER).build());
    runtime.start("dollars");
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> runtime.status("dollars").state(),
        state -> state == BotState.STOPPED);

    assertThat(runtime.logs("dollars", LogOptions.DEFAULT).map(LogLine::text).toList())
        .containsExactly("$(BOT_ID)|$$|a$b|$(HOME)$$(X)|", "A=$(BOT_ID)-$$-$");
    runtime.delete("dollars");
  }

  @Test
  void aStopReachesTheProgramAsSigtermBeforeTheGraceEnds() throws Exception {
    runtime.create(BotSpec.builder("graceful").image(KubeTestSupport.IMAGE)
        .command("sh", "-c", "trap 'echo got-term; exit 0' TERM; echo up; while true; do sleep 1 & wait $!; done")
        .build());
    runtime.start("graceful");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runtime.logs("graceful", LogOptions.DEFAULT)
        .anyMatch(l -> l.text().equals("up")));
    CompletableFuture<List<String>> followed = CompletableFuture.supplyAsync(() -> {
      try (Stream<LogLine> lines = runtime.logs("graceful", LogOptions.following())) {
        return lines.map(LogLine::text).toList();
      }
    });

    runtime.stop("graceful", Duration.ofSeconds(30));

    assertThat(followed.get(60, TimeUnit.SECONDS)).as("what the program wrote until it ended")
        .contains("up", "got-term");
    assertThat(runtime.status("graceful").state()).isEqualTo(BotState.STOPPED);
    runtime.delete("graceful");
  }
}
