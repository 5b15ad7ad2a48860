package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.BerthAssertions.assertThat;
import static dev.berth.runtime.testkit.BerthAssertions.assertThatLogs;
import static dev.berth.runtime.testkit.MockRuntime.Call.CREATE;
import static dev.berth.runtime.testkit.MockRuntime.Call.START;
import static dev.berth.runtime.testkit.MockRuntime.Call.STOP;
import static dev.berth.runtime.testkit.MockRuntime.Call.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MockRuntimeTest {
  private final MockRuntime mock = new MockRuntime();

  private static BotSpec spec(String id) {
    return BotSpec.builder(id).image("registry/momentum:7").command("python", "main.py").build();
  }

  @Test
  void aPlainSpecRunsUntilStopped() {
    mock.create(spec("bot-1"));
    mock.start("bot-1");
    assertThat(mock.status("bot-1")).isRunning().hasNoExitCode();
    mock.stop("bot-1");
    assertThat(mock.status("bot-1")).isStopped().hasExitCode(0);
  }

  @Test
  void hooksRunBeforeTheCallAndCanFailIt() {
    List<String> seen = new ArrayList<>();
    mock.onCreate(spec -> seen.add("create " + spec.id())).onStart(id -> seen.add("start " + id));
    mock.onStop(id -> {
      throw new RuntimeOperationException("stop refused for " + id);
    });
    mock.create(spec("bot-1"));
    mock.start("bot-1");
    assertThatThrownBy(() -> mock.stop("bot-1")).isInstanceOf(RuntimeOperationException.class);
    assertThat(seen).containsExactly("create bot-1", "start bot-1");
    assertThat(mock.status("bot-1")).isRunning();
    assertThat(mock.calls(STOP)).singleElement().satisfies(call -> {
      assertThat(call.succeeded()).isFalse();
      assertThat(call.id()).isEqualTo("bot-1");
    });
  }

  @Test
  void failNextFailsExactlyThatManyCallsWithoutSideEffects() {
    mock.failNext(CREATE, 2, () -> new RuntimeUnavailableException("engine restarting"));
    assertThatThrownBy(() -> mock.create(spec("bot-1"))).isInstanceOf(RuntimeUnavailableException.class);
    assertThatThrownBy(() -> mock.create(spec("bot-1"))).isInstanceOf(RuntimeUnavailableException.class);
    assertThat(mock).hasNoBot("bot-1");
    mock.create(spec("bot-1"));
    assertThat(mock).hasBot("bot-1").receivedCalls(CREATE, 3);
    assertThatThrownBy(() -> mock.failNext(START, 0, new RuntimeOperationException("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
  }

  @Test
  void recordedArgumentsAreTypedByTheMethod() {
    mock.create(spec("bot-1"));
    mock.update("bot-1", BotUpdate.builder().env(Map.of("MODE", "live")).build());
    mock.stop("bot-1", Duration.ofSeconds(3));
    BotUpdate update = mock.recorded(UPDATE, "bot-1").get(0);
    assertThat(update.env()).hasValue(Map.of("MODE", "live"));
    assertThat(mock.recorded(STOP, "bot-1")).containsExactly(Duration.ofSeconds(3));
    assertThat(mock.recorded(CREATE, "bot-1")).extracting(BotSpec::image).containsExactly("registry/momentum:7");
    assertThat(mock.recorded(UPDATE, "bot-2")).isEmpty();
    List<String> seen = new ArrayList<>();
    mock.onCall(UPDATE, (id, each) -> seen.add(id + " " + each.env().orElseThrow()));
    mock.update("bot-1", BotUpdate.builder().env(Map.of("MODE", "paper")).build());
    assertThat(seen).containsExactly("bot-1 {MODE=paper}");
  }

  @Test
  void takeCallWaitsForACallFromAnotherThreadLikeTakeRequest() throws Exception {
    mock.create(spec("bot-1"));
    Thread service = new Thread(() -> mock.start("bot-1"), "service-under-test");
    service.start();
    MockCall<String> start = mock.takeCall(START, Duration.ofSeconds(10));
    service.join(10_000);
    assertThat(start.id()).isEqualTo("bot-1");
    assertThat(start.succeeded()).isTrue();
    MockCall<?> first = mock.takeCall(Duration.ofSeconds(1));
    assertThat(first.is(CREATE)).isTrue();
    assertThat(first.as(CREATE).argument().id()).isEqualTo("bot-1");
    assertThatThrownBy(() -> first.as(UPDATE)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected a call to update but the call was create(bot spec 'bot-1') -> ok");
    assertThatThrownBy(() -> mock.takeCall(Duration.ofMillis(50))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("No call reached the MockRuntime within PT0.05S")
        .hasMessageContaining("start(\"bot-1\") -> ok");
  }

  @Test
  void aCrashAppliesTheRestartPolicy() {
    mock.create(spec("bot-1").toBuilder().restartPolicy(RestartPolicy.onFailure(1)).build());
    mock.start("bot-1");
    mock.crash("bot-1", 3);
    assertThat(mock.status("bot-1")).isRunning().hasRestartCount(1);
    mock.crash("bot-1", 3);
    assertThat(mock.status("bot-1")).hasFailed().hasExitCode(3).hasRestartCount(1);
    assertThatThrownBy(() -> mock.crash("bot-1", 1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FAILED");
  }

  @Test
  void anOomKillIsReported() {
    mock.create(spec("bot-1"));
    mock.start("bot-1");
    mock.oomKill("bot-1");
    assertThat(mock.status("bot-1")).hasFailed().wasOomKilled().hasExitCode(137);
  }

  @Test
  void aBotExceedingAnEnforcedMemoryLimitIsOomKilledAndOnlyThen() {
    MockRuntime enforcing = MockRuntime.builder().capabilities(dev.berth.runtime.Capabilities.builder()
        .enforcesMemoryLimit(true).detectsOomKill(true).build()).build();
    MockWorkloads workloads = new MockWorkloads();
    enforcing.create(workloads.exceedMemory("limited", 32 << 20)
        .resources(dev.berth.runtime.Resources.builder().memory("32m").build()).build());
    enforcing.start("limited");
    assertThat(enforcing.status("limited")).hasFailed().wasOomKilled().hasExitCode(137);
    enforcing.create(workloads.exceedMemory("unlimited", 32 << 20).build());
    enforcing.start("unlimited");
    assertThat(enforcing.status("unlimited")).isStopped().hasExitCode(0);
    mock.create(workloads.exceedMemory("not-enforced", 32 << 20)
        .resources(dev.berth.runtime.Resources.builder().memory("32m").build()).build());
    mock.start("not-enforced");
    assertThat(mock.status("not-enforced")).isStopped().hasExitCode(0);
  }

  @Test
  void aCrashLoopIsCutShortWithAMessage() {
    mock.create(BotSpec.builder("loop").image("registry/momentum:7").command("x")
        .option(MockWorkloads.BEHAVIOUR, "exit").option(MockWorkloads.EXIT_CODE, "1")
        .restartPolicy(RestartPolicy.ALWAYS).build());
    mock.start("loop");
    assertThat(mock.status("loop")).hasFailed().hasRestartCount(MockBots.CRASH_LOOP_LIMIT)
        .hasMessageContaining("crash loop");
  }

  @Test
  void appendedLinesReachFollowers() {
    mock.create(spec("bot-1"));
    mock.start("bot-1");
    mock.appendLog("bot-1", "hello").appendLog("bot-1", LogStream.STDERR, "oops");
    try (Stream<LogLine> follow = mock.logs("bot-1", LogOptions.following())) {
      mock.appendLog("bot-1", "after");
      mock.stop("bot-1");
      assertThat(follow.map(LogLine::text).collect(Collectors.toList())).containsExactly("hello", "oops", "after");
    }
    assertThatLogs(mock.logs("bot-1", LogOptions.builder().stderrOnly().build())).containsExactlyTexts("oops");
  }

  @Test
  void aSimulatedEngineOutageFailsCallsAndHealth() {
    mock.create(spec("bot-1"));
    mock.simulateEngineDown("dockerd restarting");
    assertThat(mock.health().healthy()).isFalse();
    assertThat(mock.health().message()).contains("dockerd restarting");
    assertThatThrownBy(() -> mock.status("bot-1")).isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("simulateUp");
    mock.simulateEngineUp();
    assertThat(mock.status("bot-1")).isCreated();
  }

  @Test
  void resetForgetsCallsAndScriptsButKeepsBots() {
    mock.failNext(START, new RuntimeOperationException("no"));
    mock.create(spec("bot-1"));
    mock.reset();
    assertThat(mock.calls()).isEmpty();
    mock.start("bot-1");
    assertThat(mock).receivedStart("bot-1").hasBot("bot-1");
  }

  @Test
  void invalidMockOptionsAreRejectedWithEveryProblem() {
    BotSpec bad = BotSpec.builder("bot-1").command("x").option(MockWorkloads.BEHAVIOUR, "dance")
        .option("mock.linez", "3").build();
    assertThatThrownBy(() -> mock.create(bad)).isInstanceOfSatisfying(InvalidSpecException.class,
        e -> assertThat(e.violations()).hasSize(2));
  }

  @Test
  void aClosedRuntimeRefusesCallsButTheBotsLiveOn() {
    MockRuntime first = MockRuntime.builder().engine(mock.engine()).build();
    first.create(spec("bot-1"));
    first.start("bot-1");
    first.close();
    assertThatThrownBy(() -> first.status("bot-1")).isInstanceOf(dev.berth.runtime.RuntimeClosedException.class)
        .hasMessageStartingWith("This mock runtime (scope 'default') is closed; create a new one.");
    assertThat(first.health().healthy()).isFalse();
    assertThat(first).hasToString("MockRuntime[scope=default, engine=" + mock.engine() + ", closed]");
    assertThat(mock.status("bot-1")).isRunning();
  }

  @Test
  void stopWithoutAGraceUsesTheConfiguredOne() {
    MockRuntime quick = MockRuntime.builder().engine(mock.engine()).stopGrace(java.time.Duration.ofMillis(20)).build();
    quick.create(spec("bot-g"));
    quick.start("bot-g");
    quick.stop("bot-g");
    assertThat(quick.calls(STOP)).singleElement().satisfies(call -> {
      assertThat(call.id()).isEqualTo("bot-g");
      assertThat(call.argument()).isEqualTo(java.time.Duration.ofMillis(20));
    });
    assertThat(quick.status("bot-g").state()).isEqualTo(BotState.STOPPED);
    assertThatThrownBy(() -> MockRuntime.builder().stopGrace(java.time.Duration.ofSeconds(-1)))
        .isInstanceOf(dev.berth.runtime.InvalidConfigException.class).hasMessageContaining("negative");
  }

  @Test
  void aFixedClockMakesTimestampsDeterministic() {
    Instant noon = Instant.parse("2026-01-02T12:00:00Z");
    MockRuntime fixed = MockRuntime.builder().engine(new MockEngine(Clock.fixed(noon, ZoneOffset.UTC))).build();
    fixed.create(new MockWorkloads().printLinesThenSleep("bot-1", 2).build());
    fixed.start("bot-1");
    assertThat(fixed.status("bot-1").startedAt()).hasValue(noon);
    try (Stream<LogLine> lines = fixed.logs("bot-1")) {
      assertThat(lines.map(LogLine::timestamp)).containsOnly(noon);
    }
  }

  @Test
  void theGraceOfABotIgnoringSigtermPassesOnTheEnginesClockNotInRealTime() {
    mock.create(new MockWorkloads().ignoreSigterm("stubborn").build());
    mock.start("stubborn");
    Instant before = mock.engine().clock().instant();
    long started = System.nanoTime();
    mock.stop("stubborn", Duration.ofMinutes(5));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(mock.status("stubborn")).isStopped().hasExitCode(137);
    assertThat(mock.status("stubborn").finishedAt()).hasValueSatisfying(finished -> assertThat(finished)
        .isBetween(before.plus(Duration.ofMinutes(5)), before.plus(Duration.ofMinutes(6))));
  }

  @Test
  void anEngineKeepingRealTimeWaitsTheGrace() {
    MockRuntime real = MockRuntime.builder().engine(MockEngine.realTime()).build();
    real.create(new MockWorkloads().ignoreSigterm("stubborn").build());
    real.start("stubborn");
    long started = System.nanoTime();
    real.stop("stubborn", Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(real.engine().keepsRealTime()).isTrue();
    assertThat(mock.engine().keepsRealTime()).isFalse();
  }

  @Test
  void execIsScriptable() {
    mock.create(spec("bot-1"));
    mock.start("bot-1");
    ExecManager exec = mock.require(ExecManager.class);
    assertThat(exec.exec("bot-1", List.of("echo", "hi"), java.time.Duration.ofSeconds(1)).stdout()).isEqualTo("hi\n");
    AtomicInteger calls = new AtomicInteger();
    mock.onExec(argv -> new ExecManager.ExecResult(calls.incrementAndGet(), "scripted", ""));
    assertThat(exec.exec("bot-1", List.of("anything"), java.time.Duration.ofSeconds(1)).exitCode()).isEqualTo(1);
  }

  @Test
  void featuresCanBeHidden() {
    MockRuntime limited = MockRuntime.builder().withoutFeatures(ExecManager.class).build();
    assertThat(limited.feature(ExecManager.class)).isEmpty();
    assertThatThrownBy(() -> limited.require(ExecManager.class))
        .isInstanceOf(dev.berth.runtime.UnsupportedFeatureException.class).hasMessageContaining("ExecManager");
  }

  @Test
  void stateChangesAreVisibleToEveryRuntimeOfTheScope() {
    MockRuntime other = MockRuntime.builder().engine(mock.engine()).build();
    mock.create(spec("bot-1"));
    other.start("bot-1");
    assertThat(mock.status("bot-1").state()).isEqualTo(BotState.RUNNING);
    assertThat(mock.engine().scopes()).containsExactly("default");
  }

  @Test
  void aClosedEventSubscriptionNoLongerHoldsItsListener() {
    List<Object> seen = new ArrayList<>(); // captured, so the listener is an object of its own
    java.util.function.Consumer<dev.berth.runtime.EventManager.BotEvent> listener = seen::add;
    java.lang.ref.WeakReference<Object> held = new java.lang.ref.WeakReference<>(listener);
    mock.feature(dev.berth.runtime.EventManager.class).orElseThrow()
        .subscribe(dev.berth.runtime.BotFilter.ALL, listener).close();
    listener = null;

    Await.until(Duration.ofSeconds(30), Duration.ofMillis(20), "the listener collected", () -> {
      System.gc();
      return held.get() == null;
    }, collected -> collected);
  }
}
