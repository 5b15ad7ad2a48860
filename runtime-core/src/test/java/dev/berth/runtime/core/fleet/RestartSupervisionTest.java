package dev.berth.runtime.core.fleet;

import static dev.berth.runtime.testkit.MockRuntime.Call.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotState;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.testkit.MockEngine;
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Restart policies applied by the reconciler, with exponential backoff and crash-loop detection, on the
 * mock engine's virtual clock: nothing here waits for real time.
 */
class RestartSupervisionTest {
  private final MockEngine engine =
      new MockEngine(Clock.fixed(Instant.parse("2025-01-06T09:00:00Z"), ZoneOffset.UTC));
  private final MockRuntime runtime = MockRuntime.builder().engine(engine).build();
  private final Fleet fleet = new Fleet().put(Fleet.spec("crashy"));
  private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
  private Reconciler reconciler;
  private Reconciler.Subscription subscription;

  private Reconciler reconciler(Reconciler.Builder builder) {
    reconciler = builder.clock(engine.clock()).backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
        .crashLoop(4, Duration.ofMinutes(10)).build();
    subscription = reconciler.subscribe(events::add);
    reconciler.reconcileNow();
    return reconciler;
  }

  private Reconciler reconciler() {
    return reconciler(Reconciler.builder(runtime, fleet));
  }

  @AfterEach
  void close() {
    if (reconciler != null) {
      subscription.close();
      reconciler.close();
    }
    runtime.close();
  }

  private ReconcileReport crashAndPass(int exitCode) {
    runtime.crash("crashy", exitCode);
    return reconciler.reconcileNow();
  }

  @Test
  void aFailedBotRestartsAtOnceThenAfterDoublingWaits() {
    reconciler();

    assertThat(crashAndPass(3).restarted()).as("first crash").containsExactly("crashy");
    assertThat(runtime.status("crashy").state()).isEqualTo(BotState.RUNNING);

    assertThat(crashAndPass(3).backingOff()).as("second crash, at once").containsExactly("crashy");
    engine.advance(Duration.ofMillis(999));
    assertThat(reconciler.reconcileNow().backingOff()).as("after 999 ms").containsExactly("crashy");
    engine.advance(Duration.ofMillis(1));
    assertThat(reconciler.reconcileNow().restarted()).as("after 1 s").containsExactly("crashy");

    crashAndPass(3);
    engine.advance(Duration.ofMillis(1999));
    assertThat(reconciler.reconcileNow().backingOff()).as("third crash, after 1999 ms").containsExactly("crashy");
    engine.advance(Duration.ofMillis(1));
    assertThat(reconciler.reconcileNow().restarted()).as("third crash, after 2 s").containsExactly("crashy");
    assertThat(runtime.calls(START)).hasSize(4);
  }

  @Test
  void aBotThatKeepsFailingIsCrashLoopingOnceAndItsWaitStopsGrowingAtTheMaximum() {
    reconciler();
    for (int crash = 1; crash <= 6; crash++) {
      runtime.crash("crashy", 1);
      engine.advance(Duration.ofSeconds(8));
      ReconcileReport report = reconciler.reconcileNow();
      assertThat(report.restarted()).as("crash %d after the longest wait", crash).containsExactly("crashy");
      assertThat(report.crashLooping()).as("crash %d", crash).isEqualTo(crash >= 4 ? List.of("crashy") : List.of());
    }
    ReconcileReport afterMax = crashAndPass(1);
    engine.advance(Duration.ofMillis(7999));
    assertThat(reconciler.reconcileNow().backingOff()).containsExactly("crashy");
    engine.advance(Duration.ofMillis(1));
    assertThat(reconciler.reconcileNow().restarted()).containsExactly("crashy");
    assertThat(afterMax.crashLooping()).containsExactly("crashy");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(events).filteredOn(event -> event.type() == FleetEvent.Type.CRASH_LOOPING).hasSize(1));
  }

  @Test
  void aBotThatRanLongEnoughStartsCountingAgain() {
    reconciler();
    crashAndPass(1);
    crashAndPass(1);
    engine.advance(Duration.ofSeconds(1));
    assertThat(reconciler.reconcileNow().restarted()).containsExactly("crashy");
    engine.advance(Duration.ofMinutes(10));
    reconciler.reconcileNow();

    assertThat(crashAndPass(1).restarted()).as("the first crash after a stable run restarts at once")
        .containsExactly("crashy");
    assertThat(reconciler.supervisedBots()).isEqualTo(1);
  }

  @Test
  void restartPolicyNeverLeavesAFailedBotDownAndSaysSoOnce() {
    fleet.change("crashy", spec -> spec.restartPolicy(RestartPolicy.NEVER));
    reconciler();

    ReconcileReport report = crashAndPass(7);
    assertThat(report.leftFailed()).containsExactly("crashy");
    assertThat(report.actions()).isZero();
    assertThat(reconciler.reconcileNow().leftFailed()).containsExactly("crashy");
    assertThat(runtime.status("crashy").state()).isEqualTo(BotState.FAILED);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(events).filteredOn(event -> event.type() == FleetEvent.Type.EXITED).singleElement()
            .satisfies(event -> assertThat(event.exitCode()).hasValue(7)));
  }

  @Test
  void restartPolicyOnFailureGivesUpAfterItsRetries() {
    fleet.change("crashy", spec -> spec.restartPolicy(RestartPolicy.onFailure(2)));
    reconciler();

    assertThat(crashAndPass(1).restarted()).containsExactly("crashy");
    crashAndPass(1);
    engine.advance(Duration.ofSeconds(1));
    assertThat(reconciler.reconcileNow().restarted()).containsExactly("crashy");
    ReconcileReport third = crashAndPass(1);
    engine.advance(Duration.ofMinutes(1));
    assertThat(reconciler.reconcileNow().leftFailed()).containsExactly("crashy");
    assertThat(third.leftFailed()).containsExactly("crashy");
  }

  @Test
  void aCleanExitIsStartedAgainEvenWithOnFailure() {
    fleet.change("crashy", spec -> spec.restartPolicy(RestartPolicy.onFailure(1)));
    reconciler();

    assertThat(crashAndPass(0).started()).containsExactly("crashy");
  }

  @Test
  void aSpecChangeRecreatesACrashLoopingBotWithoutWaiting() {
    reconciler();
    for (int i = 0; i < 4; i++) {
      crashAndPass(1);
      engine.advance(Duration.ofSeconds(8));
      reconciler.reconcileNow();
    }
    crashAndPass(1);
    fleet.change("crashy", spec -> spec.config("{\"fixed\":true}"));

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.recreated()).containsExactly("crashy");
    assertThat(report.crashLooping()).isEmpty();
    assertThat(reconciler.supervisedBots()).isZero();
  }

  @Test
  void aStartThatKeepsFailingBacksOffToo() {
    reconciler();
    runtime.crash("crashy", 1);
    runtime.failNext(START, 10, () -> new RuntimeOperationException("no space left on device"));

    assertThat(reconciler.reconcileNow().failures()).hasSize(1);
    assertThat(reconciler.reconcileNow().backingOff()).as("second attempt waits").containsExactly("crashy");
    engine.advance(Duration.ofSeconds(1));
    assertThat(reconciler.reconcileNow().failures()).as("after 1 s").hasSize(1);
    engine.advance(Duration.ofSeconds(1));
    assertThat(reconciler.reconcileNow().backingOff()).as("then 2 s").containsExactly("crashy");
  }
}
