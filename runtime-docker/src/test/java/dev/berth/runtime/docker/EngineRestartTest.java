package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeUnavailableException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine stops (SIGTERM, no live-restore: its containers stop with it) and starts again on the same
 * data root, under one runtime object. While it is down every call fails fast with
 * {@link RuntimeUnavailableException} and {@code health()} says why; once it is back the same object works
 * again, every bot is still there under its container id (re-adopted by label, never recreated), in the
 * state the engine reports: restart policy ALWAYS runs again, a bot without one is STOPPED (it exited 0 on
 * the engine's SIGTERM), a created bot is still CREATED. A follow open across the outage ends (normally,
 * or with {@link RuntimeUnavailableException}); what it delivered is an exact prefix of the stored log:
 * no line doubled, none skipped.
 */
@Tag("docker")
class EngineRestartTest {
  private static final long FAST_MILLIS = 1000;
  private static final String TICKER = "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo tick-$i; "
      + "sleep 0.05; done";
  private static final String IDLE = "trap 'exit 0' TERM; echo up; while :; do sleep 1000 & wait $!; done";
  private static PrivateDockerd engine;

  @BeforeAll
  static void startEngine() {
    engine = PrivateDockerd.start();
  }

  @AfterAll
  static void stopEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void everyCallFailsFastWhileTheEngineIsDownAndTheSameRuntimeRecoversEveryBot() {
    String scope = DockerTestSupport.uniqueScope("restart");
    try (DockerRuntime runtime = engine.runtime(scope).stopGrace(Duration.ofSeconds(2)).build()) {
      BotStatus ticker = createAndStart(runtime, bot("ticker", TICKER).restartPolicy(RestartPolicy.ALWAYS).build());
      BotStatus idle = createAndStart(runtime, bot("idle", IDLE).build());
      BotStatus created = runtime.create(bot("created", IDLE).build());
      FollowRecorder follow = new FollowRecorder(runtime.logs("ticker", LogOptions.following()), "ticker");
      await().atMost(Duration.ofSeconds(20)).until(() -> follow.lines().size() >= 5);

      engine.stop();
      Map<String, Long> millis = callsWhileDown(runtime);
      assertThat(millis.values()).as("milliseconds per call while the engine is down: %s", millis)
          .allMatch(m -> m < FAST_MILLIS);
      assertThat(runtime.health().healthy()).isFalse();
      assertThat(runtime.health().message()).contains("Docker is not reachable at " + engine.host());
      await("the follow ends").atMost(Duration.ofSeconds(10)).until(follow::ended);
      follow.failure().ifPresent(e -> assertThat(e).as("a follow ends normally or says the engine is gone")
          .isExactlyInstanceOf(RuntimeUnavailableException.class));

      long restarted = System.nanoTime();
      engine.startAgain();
      await("the same runtime works again").atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> runtime.status("ticker").state() == BotState.RUNNING);
      long recoveryMillis = (System.nanoTime() - restarted) / 1_000_000;
      System.out.printf("Engine restart: slowest failing call %d ms %s; recovered %d ms after the engine start; "
          + "follow delivered %d lines, ended %s%n", millis.values().stream().mapToLong(Long::longValue).max()
          .orElse(0), millis, recoveryMillis, follow.lines().size(), follow.failure().map(e -> "with "
          + e.getClass().getSimpleName()).orElse("normally"));

      assertThat(runtime.status("ticker").runtimeId()).isEqualTo(ticker.runtimeId());
      BotStatus idleAfter = runtime.status("idle");
      assertThat(idleAfter.runtimeId()).isEqualTo(idle.runtimeId());
      assertThat(idleAfter.state()).as("stopped with the engine, exit %s", idleAfter.exitCode())
          .isEqualTo(BotState.STOPPED);
      assertThat(runtime.status("created").runtimeId()).isEqualTo(created.runtimeId());
      assertThat(runtime.status("created").state()).isEqualTo(BotState.CREATED);
      assertThat(runtime.list(BotFilter.ALL)).extracting(BotStatus::runtimeId)
          .containsExactlyInAnyOrder(ticker.runtimeId(), idle.runtimeId(), created.runtimeId());

      runtime.start("idle");
      assertThat(runtime.status("idle").state()).isEqualTo(BotState.RUNNING);
      assertThat(runtime.status("idle").runtimeId()).isEqualTo(idle.runtimeId());
      assertPrefixOfStoredLog(runtime, follow.lines());
      follow.close();
      runtime.list(BotFilter.ALL).forEach(bot -> runtime.delete(bot.id()));
      assertThat(runtime.list(BotFilter.ALL)).isEmpty();
    }
  }

  @Test
  void aStopInFlightWhenTheEngineGoesAwayEndsAndTheBotIsStoppedAfterwards() throws Exception {
    String scope = DockerTestSupport.uniqueScope("inflight");
    try (DockerRuntime runtime = engine.runtime(scope).build()) {
      BotStatus stubborn = createAndStart(runtime, bot("stubborn", "trap '' TERM; echo up; while :; do sleep 1; done")
          .build());
      Callable<Throwable> stop = () -> catchThrowable(() -> runtime.stop("stubborn", Duration.ofSeconds(60)));
      java.util.concurrent.FutureTask<Throwable> inFlight = new java.util.concurrent.FutureTask<>(stop);
      Thread caller = new Thread(inFlight, "berth-test-stop-in-flight");
      caller.setDaemon(true);
      caller.start();
      engine.stop();
      Throwable outcome = inFlight.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(outcome).as("the stop returned or said the engine is gone")
          .satisfiesAnyOf(e -> assertThat(e).isNull(),
              e -> assertThat(e).isExactlyInstanceOf(RuntimeUnavailableException.class));
      engine.startAgain();
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> runtime.status("stubborn").state() != BotState.RUNNING);
      assertThat(runtime.status("stubborn").runtimeId()).isEqualTo(stubborn.runtimeId());
      runtime.delete("stubborn");
      assertThat(runtime.list(BotFilter.ALL)).isEmpty();
    }
  }

  /** Each call's duration while no engine answers; each must throw RuntimeUnavailableException. */
  private static Map<String, Long> callsWhileDown(DockerRuntime runtime) {
    Map<String, Runnable> calls = new LinkedHashMap<>();
    calls.put("status", () -> runtime.status("ticker"));
    calls.put("list", () -> runtime.list(BotFilter.ALL));
    calls.put("create", () -> runtime.create(bot("another", IDLE).build()));
    calls.put("start", () -> runtime.start("created"));
    calls.put("stop", () -> runtime.stop("idle", Duration.ofSeconds(1)));
    calls.put("restart", () -> runtime.restart("idle"));
    calls.put("update", () -> runtime.update("idle", BotUpdate.builder()
        .resources(Resources.builder().memoryBytes(64L << 20).build()).build()));
    calls.put("logs", () -> runtime.logs("idle", LogOptions.tail(10)).toList());
    calls.put("follow", () -> runtime.logs("idle", LogOptions.following()).close());
    calls.put("address", () -> runtime.address("idle"));
    calls.put("delete", () -> runtime.delete("idle"));
    Map<String, Long> millis = new LinkedHashMap<>();
    calls.forEach((name, call) -> {
      long started = System.nanoTime();
      Throwable thrown = catchThrowable(call::run);
      millis.put(name, (System.nanoTime() - started) / 1_000_000);
      assertThat(thrown).as(name).isExactlyInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining("Docker is not reachable at " + engine.host());
    });
    return millis;
  }

  private static void assertPrefixOfStoredLog(DockerRuntime runtime, List<LogLine> delivered) {
    assertThat(new HashSet<>(delivered)).as("no line delivered twice").hasSameSizeAs(delivered);
    List<LogLine> stored = runtime.logs("ticker", LogOptions.tail(LogOptions.ALL)).toList();
    assertThat(stored.size()).isGreaterThanOrEqualTo(delivered.size());
    assertThat(stored.subList(0, delivered.size())).as("the follow delivered the stored log's start, no gap")
        .isEqualTo(delivered);
  }

  private static BotStatus createAndStart(DockerRuntime runtime, BotSpec spec) {
    runtime.create(spec);
    runtime.start(spec.id());
    return runtime.status(spec.id());
  }

  private static BotSpec.Builder bot(String id, String script) {
    return BotSpec.builder(id).image(DockerTestSupport.IMAGE).networkMode(NetworkMode.NONE)
        .command("sh", "-c", script);
  }
}
