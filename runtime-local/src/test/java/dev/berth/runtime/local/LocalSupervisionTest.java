package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.awaitState;
import static dev.berth.runtime.local.LocalTestSupport.shBot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.RestartPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart policies with backoff, and what a new runtime instance finds after the previous one closed. */
class LocalSupervisionTest {
  private static final String SLEEP = "trap 'exit 0' TERM; while :; do sleep 1000 & wait $!; done";

  @TempDir
  Path stateDir;

  private LocalRuntime open() {
    return LocalRuntime.builder().stateDir(stateDir).scope("sup").stopGrace(Duration.ofSeconds(2)).build();
  }

  @Test
  void restartsBackOffExponentially() {
    LocalRuntime runtime = open();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    EventManager.Subscription subscription = runtime.require(EventManager.class).subscribe(BotFilter.ALL, event -> {
      if (event.type() == EventManager.EventType.FAILED) {
        failures.add(event.message());
      }
    });
    try {
      runtime.create(shBot("crashy", "exit 1").restartPolicy(RestartPolicy.onFailure(4)).build());
      runtime.start("crashy");
      BotStatus last = await().atMost(LocalTestSupport.WAIT).until(() -> runtime.status("crashy"),
          status -> status.restartCount() == 4 && status.state() == BotState.FAILED
              && !status.message().contains("restart"));
      assertThat(last.exitCode()).hasValue(1);
      await().atMost(LocalTestSupport.WAIT).until(() -> failures.size() == 5);
      assertThat(failures).as("the delays announced when each run failed").containsExactly(
          "exited with code 1; restart 1 in 100ms", "exited with code 1; restart 2 in 200ms",
          "exited with code 1; restart 3 in 400ms", "exited with code 1; restart 4 in 800ms",
          "exited with code 1");
    } finally {
      subscription.close();
      LocalTestSupport.cleanUp(runtime);
    }
  }

  @Test
  void stopCancelsAPendingRestart() {
    LocalRuntime runtime = open();
    try {
      runtime.create(shBot("always", "exit 0").restartPolicy(RestartPolicy.ALWAYS).build());
      runtime.start("always");
      await().atMost(LocalTestSupport.WAIT).until(() -> runtime.status("always").restartCount() >= 2);
      runtime.stop("always");
      BotStatus stopped = runtime.status("always");
      assertThat(stopped.state()).isEqualTo(BotState.STOPPED);
      int count = stopped.restartCount();
      Instant until = Instant.now().plusMillis(1500);
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
        assertThat(runtime.status("always").restartCount()).isEqualTo(count);
        assertThat(runtime.status("always").state()).isEqualTo(BotState.STOPPED);
        return Instant.now().isAfter(until);
      });
    } finally {
      LocalTestSupport.cleanUp(runtime);
    }
  }

  @Test
  void aNewInstanceSeesWhatHappenedWhileNoneWasOpen() throws Exception {
    Path go = stateDir.resolve("go");
    LocalRuntime first = open();
    first.create(shBot("steady", SLEEP).build());
    first.start("steady");
    first.create(shBot("later", "while [ ! -e \"$1\" ]; do sleep 0.05; done; echo bye; exit 5", go.toString()).build());
    first.start("later");
    first.create(shBot("phoenix", "while [ ! -e \"$1\" ]; do sleep 0.05; done; exit 9", go.toString())
        .restartPolicy(RestartPolicy.onFailure(1)).build());
    first.start("phoenix");
    String steadyPid = first.status("steady").runtimeId();
    first.close();

    Files.createFile(go); // both exit while no runtime watches them
    Path exit = stateDir.resolve("sup/bots/later/run/exit");
    await().atMost(LocalTestSupport.WAIT).until(() -> Files.exists(exit) && Files.size(exit) > 0);

    LocalRuntime second = open();
    try {
      assertThat(second.status("steady").state()).isEqualTo(BotState.RUNNING);
      assertThat(second.status("steady").runtimeId()).isEqualTo(steadyPid);
      BotStatus later = awaitState(second, "later", BotState.FAILED);
      assertThat(later.exitCode()).hasValue(5);
      assertThat(LocalTestSupport.texts(second, "later")).containsExactly("bye");
      BotStatus phoenix = await().atMost(LocalTestSupport.WAIT).until(() -> second.status("phoenix"),
          status -> status.restartCount() == 1 && status.state() == BotState.FAILED);
      assertThat(phoenix.exitCode()).as("restarted by the new instance, then failed again").hasValue(9);
      second.stop("steady", Duration.ofSeconds(5));
      assertThat(second.status("steady").state()).isEqualTo(BotState.STOPPED);
      assertThat(second.status("steady").exitCode()).hasValue(0);
    } finally {
      LocalTestSupport.cleanUp(second);
    }
  }

  @Test
  void twoInstancesOfOneScopeAgree() {
    LocalRuntime one = open();
    LocalRuntime two = open();
    try {
      one.create(shBot("shared", SLEEP).build());
      two.start("shared");
      assertThat(one.status("shared").state()).isEqualTo(BotState.RUNNING);
      one.stop("shared", Duration.ofSeconds(5));
      assertThat(two.status("shared").state()).isEqualTo(BotState.STOPPED);
      two.delete("shared");
      assertThat(one.list()).isEmpty();
    } finally {
      two.close();
      LocalTestSupport.cleanUp(one);
    }
  }
}
