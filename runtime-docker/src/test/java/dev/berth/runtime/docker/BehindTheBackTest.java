package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Event;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Someone else kills or removes a bot's container ({@code docker kill}, {@code docker rm -f}) while the
 * runtime follows its log, stops it or updates it. A follow ends (after every line the container wrote
 * when it was killed); the interrupted stop ends at once with not-found; status says not-found within
 * {@value #NOT_FOUND_MILLIS} ms of a removal and FAILED 137 after a kill; nothing is left or recreated.
 */
@Tag("docker")
class BehindTheBackTest {
  private static final long NOT_FOUND_MILLIS = 50;
  private static final String SCOPE = DockerTestSupport.uniqueScope("behind");
  private static final String TICKER = "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo tick-$i; "
      + "sleep 0.02; done";
  private static DockerConnection raw;
  private DockerRuntime runtime;

  @BeforeAll
  static void connect() {
    DockerTestSupport.requireEngine();
    raw = DockerTestSupport.connection();
  }

  @AfterAll
  static void disconnect() {
    if (raw != null) {
      raw.close();
    }
    assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
  }

  @BeforeEach
  void open() {
    runtime = DockerTestSupport.runtime(SCOPE).stopGrace(Duration.ofSeconds(2)).build();
  }

  @AfterEach
  void cleanUp() {
    runtime.list(BotFilter.ALL).forEach(bot -> runtime.delete(bot.id()));
    runtime.close();
  }

  @Test
  void aFollowEndsAndStatusIsNotFoundAtOnceWhenTheContainerIsRemoved() {
    String containerId = startTicker("removed");
    try (FollowRecorder follow = new FollowRecorder(runtime.logs("removed", LogOptions.following()), "removed")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> follow.lines().size() >= 10);
      DockerTestSupport.removeContainer(containerId);
      long removed = System.nanoTime();
      assertThatThrownBy(() -> runtime.status("removed")).isInstanceOf(BotNotFoundException.class)
          .hasMessageContaining("removed");
      long millis = (System.nanoTime() - removed) / 1_000_000;
      System.out.printf("Removed behind the back: not found after %d ms%n", millis);
      assertThat(millis).as("not found within %d ms of the removal", NOT_FOUND_MILLIS).isLessThan(NOT_FOUND_MILLIS);
      await("the follow ends").atMost(Duration.ofSeconds(10)).until(follow::ended);
      assertThat(follow.failure()).isEmpty();
      assertInOrderWithoutDuplicates(follow.lines());
      assertThat(runtime.list(BotFilter.ALL)).isEmpty();
    }
  }

  @Test
  void aFollowDeliversEveryLineAndStatusIsFailed137WhenTheContainerIsKilled() {
    String containerId = startTicker("killed");
    try (FollowRecorder follow = new FollowRecorder(runtime.logs("killed", LogOptions.following()), "killed")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> follow.lines().size() >= 10);
      raw.client().killContainerCmd(containerId).withSignal("KILL").exec();
      await("the follow ends").atMost(Duration.ofSeconds(10)).until(follow::ended);
      assertThat(follow.failure()).isEmpty();
      BotStatus status = runtime.status("killed");
      assertThat(status.state()).isEqualTo(BotState.FAILED);
      assertThat(status.exitCode()).hasValue(137);
      assertThat(status.runtimeId()).isEqualTo(containerId);
      List<LogLine> stored = runtime.logs("killed", LogOptions.tail(LogOptions.ALL)).toList();
      assertThat(follow.lines()).as("every line the container wrote, once, in order").isEqualTo(stored);
      assertInOrderWithoutDuplicates(stored);
    }
  }

  @Test
  void aStopWaitingOutItsGraceEndsWithNotFoundWhenTheContainerIsRemovedMeanwhile() throws Exception {
    runtime.create(bot("stubborn", "trap '' TERM; echo up; while :; do sleep 1; done").build());
    runtime.start("stubborn");
    String containerId = runtime.status("stubborn").runtimeId();
    CountDownLatch signalled = new CountDownLatch(1);
    QuietCallback<Event> events = raw.client().eventsCmd().withContainerFilter(containerId)
        .withEventFilter("kill").exec(new QuietCallback<Event>() {
          @Override
          public void onNext(Event event) {
            signalled.countDown();
          }
        });
    try {
      FutureTask<Throwable> stop = new FutureTask<>(() -> catchThrowable(
          () -> runtime.stop("stubborn", Duration.ofSeconds(60))));
      Thread caller = new Thread(stop, "berth-test-stop");
      caller.setDaemon(true);
      caller.start();
      assertThat(signalled.await(20, TimeUnit.SECONDS)).as("the stop sent SIGTERM").isTrue();
      long removing = System.nanoTime();
      DockerTestSupport.removeContainer(containerId);
      Throwable outcome = stop.get(20, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - removing) / 1_000_000;
      assertThat(millis).as("the stop ended with the removal, not after its grace").isLessThan(10_000);
      if (outcome != null) {
        assertThat(outcome).isInstanceOf(BotNotFoundException.class).hasMessageContaining("stubborn");
      }
      assertThatThrownBy(() -> runtime.status("stubborn")).isInstanceOf(BotNotFoundException.class);
      assertThatThrownBy(() -> runtime.stop("stubborn")).isInstanceOf(BotNotFoundException.class);
    } finally {
      events.close();
    }
  }

  @Test
  void anUpdateOfARemovedBotIsNotFoundAndRecreatesNothing() {
    String inPlace = startTicker("in-place");
    String recreated = startTicker("recreated");
    DockerTestSupport.removeContainer(inPlace);
    DockerTestSupport.removeContainer(recreated);
    assertThatThrownBy(() -> runtime.update("in-place", BotUpdate.builder()
        .resources(Resources.builder().memory("64m").build()).build())).isInstanceOf(BotNotFoundException.class)
        .hasMessageContaining("in-place");
    assertThatThrownBy(() -> runtime.update("recreated", BotUpdate.builder().env(Map.of("A", "1")).build()))
        .isInstanceOf(BotNotFoundException.class).hasMessageContaining("recreated");
    assertThat(runtime.list(BotFilter.ALL)).isEmpty();
    assertThat(DockerTestSupport.containerIds(Map.of(Labels.SCOPE, SCOPE))).isEmpty();
    runtime.create(bot("recreated", TICKER).build()); // the id is free again, nothing half-made in the way
    assertThat(runtime.status("recreated").state()).isEqualTo(BotState.CREATED);
  }

  @Test
  void anUpdateOfAKilledBotAppliesAndReportsTheKill() {
    String containerId = startTicker("victim");
    raw.client().killContainerCmd(containerId).withSignal("KILL").exec();
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status("victim").state() == BotState.FAILED);
    BotStatus updated = runtime.update("victim", BotUpdate.builder()
        .resources(Resources.builder().memory("64m").build()).build());
    assertThat(updated.runtimeId()).isEqualTo(containerId);
    assertThat(updated.state()).isEqualTo(BotState.FAILED);
    assertThat(updated.exitCode()).hasValue(137);
    BotStatus replaced = runtime.update("victim", BotUpdate.builder().env(Map.of("A", "1")).build());
    assertThat(replaced.runtimeId()).isNotEqualTo(containerId);
    assertThat(replaced.state()).as("a stopped bot is recreated, not started").isEqualTo(BotState.CREATED);
    assertThat(DockerTestSupport.containerExists(containerId)).isFalse();
  }

  private String startTicker(String id) {
    runtime.create(bot(id, TICKER).build());
    runtime.start(id);
    return runtime.status(id).runtimeId();
  }

  private static void assertInOrderWithoutDuplicates(List<LogLine> lines) {
    List<String> texts = lines.stream().map(LogLine::text).toList();
    for (int i = 0; i < texts.size(); i++) {
      assertThat(texts.get(i)).isEqualTo("tick-" + (i + 1));
    }
  }

  private static BotSpec.Builder bot(String id, String script) {
    return BotSpec.builder(id).image(DockerTestSupport.IMAGE).command("sh", "-c", script);
  }
}
