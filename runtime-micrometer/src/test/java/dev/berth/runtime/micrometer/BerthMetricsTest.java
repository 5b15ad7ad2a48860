package dev.berth.runtime.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.core.fleet.ReconcileReport;
import dev.berth.runtime.core.fleet.Reconciler;
import dev.berth.runtime.testkit.MockBacktestOutcome;
import dev.berth.runtime.testkit.MockBacktestRunner;
import dev.berth.runtime.testkit.MockEngine;
import dev.berth.runtime.testkit.MockRuntime;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BerthMetricsTest {
  private final MockEngine engine = new MockEngine(Clock.fixed(Instant.parse("2026-01-05T09:00:00Z"), ZoneOffset.UTC));
  private final MockRuntime mock = MockRuntime.builder().engine(engine).scope("metrics").build();
  private final MockBacktestRunner mockRunner = new MockBacktestRunner(engine, "metrics");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BerthMetrics metrics = BerthMetrics.builder(registry).scope("metrics").tag("service", "test")
      .botsRefresh(Duration.ofSeconds(15)).clock(engine.clock()).build();
  private final Runtime runtime = metrics.bind(mock);
  private final BacktestRunner runner = metrics.bind(mockRunner);

  @AfterEach
  void closeAll() {
    runtime.close();
    runner.close();
  }

  private static BotSpec bot(String id) {
    return BotSpec.builder(id).image("registry/strategy:1").command("run").restartPolicy(RestartPolicy.NEVER).build();
  }

  private double bots(String state) {
    return registry.get(BerthMetrics.BOTS).tags("scope", "metrics", "state", state).gauge().value();
  }

  private Timer calls(String api, String operation, String outcome) {
    return registry.get(BerthMetrics.CALLS).tags("api", api, "operation", operation, "outcome", outcome).timer();
  }

  @Test
  void everyRuntimeCallIsTimedAndErrorsAreCountedByType() {
    runtime.create(bot("bot-1"));
    runtime.start("bot-1");
    assertThatThrownBy(() -> runtime.status("missing")).isInstanceOf(BotNotFoundException.class);
    mock.failNext(MockRuntime.Call.START, new RuntimeUnavailableException("engine restarting"));
    assertThatThrownBy(() -> runtime.start("bot-1")).isInstanceOf(RuntimeUnavailableException.class);

    assertThat(calls("runtime", "create", "success").count()).isEqualTo(1);
    assertThat(calls("runtime", "start", "success").count()).isEqualTo(1);
    assertThat(calls("runtime", "start", "error").count()).isEqualTo(1);
    assertThat(registry.get(BerthMetrics.ERRORS).tags("operation", "status", "exception", "BotNotFoundException")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get(BerthMetrics.ERRORS).tags("operation", "start", "exception",
        "RuntimeUnavailableException", "service", "test").counter().count()).isEqualTo(1);
  }

  @Test
  void botGaugesCountByStateFromOneListPerRefreshInterval() {
    runtime.create(bot("bot-1"));
    runtime.create(bot("bot-2"));
    runtime.start("bot-2");

    assertThat(bots("running")).isEqualTo(1);
    assertThat(bots("created")).isEqualTo(1);
    assertThat(bots("failed")).isZero();
    mock.crash("bot-2", 3);
    assertThat(bots("running")).as("within the refresh interval the last count stands").isEqualTo(1);
    assertThat(mock.calls(MockRuntime.Call.LIST)).as("one list for every gauge read so far").hasSize(1);

    engine.advance(Duration.ofSeconds(15));
    assertThat(bots("running")).isZero();
    assertThat(bots("failed")).isEqualTo(1);
    assertThat(mock.calls(MockRuntime.Call.LIST)).hasSize(2);
  }

  @Test
  void aFailedListKeepsTheLastCountsAndIsCounted() {
    runtime.create(bot("bot-1"));
    assertThat(bots("created")).isEqualTo(1);
    mock.failNext(MockRuntime.Call.LIST, new RuntimeUnavailableException("down"));
    engine.advance(Duration.ofSeconds(15));

    assertThat(bots("created")).isEqualTo(1);
    assertThat(registry.get(BerthMetrics.BOTS_READ_FAILURES).counter().count()).isEqualTo(1);
  }

  @Test
  void closingTheRuntimeRemovesItsGauges() {
    runtime.close();
    assertThat(registry.find(BerthMetrics.BOTS).gauges()).isEmpty();
  }

  @Test
  void backtestsAreRecordedByOutcomeWithTheirRunTime() {
    BacktestSpec spec = BacktestSpec.builder("bt-ok").image("registry/backtest:1").command("bt").build();
    mockRunner.script("bt-ok", MockBacktestOutcome.success("{}").after(Duration.ofMinutes(2)));
    mockRunner.script("bt-bad", MockBacktestOutcome.failure(3));
    runner.run(spec);
    runner.run(spec.toBuilder().id("bt-bad").build());

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Timer succeeded = registry.get(BerthMetrics.BACKTESTS).tags("outcome", "succeeded").timer();
      assertThat(succeeded.count()).isEqualTo(1);
      assertThat(succeeded.totalTime(TimeUnit.SECONDS)).isCloseTo(120, within(1.0));
      assertThat(registry.get(BerthMetrics.BACKTESTS).tags("outcome", "failed").timer().count()).isEqualTo(1);
    });
    assertThat(calls("backtests", "submit", "success").count()).isEqualTo(2);
  }

  @Test
  void reconcilePassesAndActionsAreRecorded() {
    mock.failNext(MockRuntime.Call.CREATE, new RuntimeOperationException("disk full"));
    try (Reconciler reconciler = Reconciler.builder(runtime, () -> List.of(bot("bot-1"), bot("bot-2")))
        .listener(metrics.reconcileListener()).build()) {
      ReconcileReport report = reconciler.reconcileNow();
      assertThat(report.failures()).hasSize(1);
      reconciler.reconcileNow();
    }

    assertThat(registry.get(BerthMetrics.RECONCILE_PASSES).tags("trigger", "demand", "outcome", "failures")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get(BerthMetrics.RECONCILE_PASSES).tags("trigger", "demand", "outcome", "complete")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get(BerthMetrics.RECONCILE_ACTIONS).tags("action", "create", "outcome", "success")
        .timer().count()).isEqualTo(2);
    assertThat(registry.get(BerthMetrics.RECONCILE_ACTIONS).tags("action", "create", "outcome", "failure",
        "exception", "RuntimeOperationException").timer().count()).isEqualTo(1);
  }

  @Test
  void aRefreshThatIsNotPositiveIsRejected() {
    assertThatThrownBy(() -> BerthMetrics.builder(registry).botsRefresh(Duration.ZERO))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("botsRefresh");
  }
}
