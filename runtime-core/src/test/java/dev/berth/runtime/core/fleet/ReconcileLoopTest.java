package dev.berth.runtime.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reconciler's own thread: a first pass at once, passes on the runtime's events, at the interval, on close. */
class ReconcileLoopTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final Fleet fleet = Fleet.of(3);
  private MockRuntime runtime = new MockRuntime();
  private Reconciler reconciler;

  @AfterEach
  void close() {
    if (reconciler != null) {
      reconciler.close();
    }
    runtime.close();
  }

  @Test
  void startRunsAFirstPassAtOnceAndReactsToACrashWithoutWaitingForTheInterval() {
    List<ReconcileReport> reports = new CopyOnWriteArrayList<>();
    reconciler = Reconciler.builder(runtime, fleet).interval(Duration.ofHours(1))
        .reactToEvents(true, Duration.ofMillis(20)).listener(new ReconcileListener() {
          @Override
          public void passFinished(ReconcileReport report) {
            reports.add(report);
          }
        }).build().start();

    await().atMost(WAIT).until(() -> runtime.runningBots().size() == 3);
    assertThat(reports.get(0).trigger()).isEqualTo(ReconcileReport.Trigger.INTERVAL);
    String before = runtime.status("bot-1").runtimeId();
    runtime.crash("bot-1", 1);

    await().atMost(WAIT).until(() -> runtime.status("bot-1").state() == BotState.RUNNING);
    assertThat(runtime.status("bot-1").runtimeId()).as("restarted in place").isEqualTo(before);
    assertThat(reports).anySatisfy(report -> {
      assertThat(report.trigger()).isEqualTo(ReconcileReport.Trigger.EVENT);
      assertThat(report.restarted()).containsExactly("bot-1");
    });
  }

  @Test
  void withoutRuntimeEventsTheIntervalBringsACrashedBotBack() {
    runtime.close();
    runtime = MockRuntime.builder().withoutFeatures(EventManager.class).build();
    reconciler = Reconciler.builder(runtime, fleet).interval(Duration.ofMillis(100)).build().start();
    await().atMost(WAIT).until(() -> runtime.runningBots().size() == 3);

    runtime.crash("bot-2", 1);

    await().atMost(WAIT).until(() -> runtime.status("bot-2").state() == BotState.RUNNING);
  }

  @Test
  void aFailedActionIsRetriedWhenItsBackoffEndsNotAtTheInterval() {
    runtime.failNext(dev.berth.runtime.testkit.MockRuntime.Call.CREATE, 2,
        () -> new dev.berth.runtime.RuntimeOperationException("registry busy"));
    reconciler = Reconciler.builder(runtime, fleet).interval(Duration.ofHours(1))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(100)).reactToEvents(true, Duration.ofMillis(10))
        .concurrency(1).build().start();

    await().atMost(WAIT).until(() -> runtime.runningBots().size() == 3);
    assertThat(reconciler.lastReport()).hasValueSatisfying(report ->
        assertThat(report.trigger()).isEqualTo(ReconcileReport.Trigger.BACKOFF));
  }

  @Test
  void closeStopsTheThreadAndLeavesTheBotsRunning() {
    reconciler = Reconciler.builder(runtime, fleet).name("loop-check").interval(Duration.ofMillis(50)).build()
        .start();
    await().atMost(WAIT).until(() -> runtime.runningBots().size() == 3);
    assertThat(FleetEventsTest.threadNames("berth-reconciler-loop-check")).contains("berth-reconciler-loop-check");

    reconciler.close();

    assertThat(FleetEventsTest.threadNames("berth-reconciler-loop-check")).isEmpty();
    runtime.reset();
    await().pollDelay(Duration.ofMillis(200)).atMost(WAIT).until(() -> true);
    assertThat(runtime.calls()).as("calls after close").isEmpty();
    assertThat(runtime.runningBots()).hasSize(3);
  }
}
