package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.BerthAssertions.assertThat;
import static dev.berth.runtime.testkit.BerthAssertions.assertThatLogs;
import static dev.berth.runtime.testkit.MockBacktestRunner.Call.SUBMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.RuntimeUnavailableException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockBacktestRunnerTest {
  private final MockBacktestRunner runner = new MockBacktestRunner();

  @AfterEach
  void close() {
    runner.close();
  }

  private static BacktestSpec spec(String id) {
    return BacktestSpec.builder(id).image("registry/backtest:3").command("python", "backtest.py").build();
  }

  @Test
  void aPlainSpecSucceedsAtOnceWithoutAResult() {
    BacktestResult result = runner.run(spec("bt-1"));
    assertThat(result).succeeded().hasExitCode(0).hasNoResultJson();
    assertThat(runner).receivedSubmit("bt-1").hasNoActiveBacktests();
  }

  @Test
  void scriptedOutcomesOverrideTheSpec() {
    runner.script("bt-ok", MockBacktestOutcome.success("{\"pnl\": 12.5}").withLog("loading", "done"));
    runner.script("bt-bad", MockBacktestOutcome.failure(2).withLog("boom"));
    BacktestResult ok = runner.run(spec("bt-ok"));
    assertThat(ok).succeeded().hasResultJson("{\"pnl\":12.5}").hasResultJsonContaining("pnl")
        .hasLogTailLine("loading", "done");
    BacktestResult bad = runner.run(spec("bt-bad"));
    assertThat(bad).failed().hasExitCode(2).hasLogTailLine("boom");
    assertThatLogs(bad.logTail()).containsExactlyTexts("boom");   // only what was scripted, no "done" first
  }

  @Test
  void logTailAssertionsMatchWholeLinesOrSubstrings() {
    runner.script("bt-1", MockBacktestOutcome.failure(3).withLog("loaded 20000 ticks", "boom: no data for BTC"));
    BacktestResult result = runner.run(spec("bt-1"));
    assertThat(result).hasLogTailLine("loaded 20000 ticks").hasLogTailContaining("20000 ticks", "no data");
    assertThatThrownBy(() -> assertThat(result).hasLogTailLine("20000 ticks"))
        .hasMessageContaining("whole lines [20000 ticks]");
    assertThatThrownBy(() -> assertThat(result).hasLogTailContaining("timeout"))
        .hasMessageContaining("to contain each of [timeout]");
  }

  @Test
  void aScriptedRunTimeKeepsItRunningUntilThen() {
    runner.script("bt-slow", MockBacktestOutcome.success("{}").after(Duration.ofMillis(200)));
    BacktestExecution execution = runner.submit(spec("bt-slow"));
    assertThat(execution.status()).isRunning();
    assertThat(execution.await()).succeeded();
  }

  @Test
  void aHangEndsOnlyByCancelOrTimeout() {
    runner.script("bt-hang", MockBacktestOutcome.hang());
    runner.script("bt-timeout", MockBacktestOutcome.hang());
    BacktestExecution hanging = runner.submit(spec("bt-hang"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> hanging.await(Duration.ofMillis(50)))
        .isInstanceOf(dev.berth.runtime.BacktestTimeoutException.class)
        .hasMessageContaining("'bt-hang' has not ended within PT0.05S (it is RUNNING and keeps running)");
    hanging.cancel();
    assertThat(hanging.await()).wasCancelled();
    BacktestResult timedOut = runner.run(spec("bt-timeout").toBuilder().timeout(Duration.ofMillis(100)).build());
    assertThat(timedOut).timedOut();
    assertThat(runner.status("bt-timeout")).hasState(BacktestState.TIMED_OUT).hasEnded();
  }

  @Test
  void waitingForABacktestMovesTheEnginesClockInsteadOfSleeping() {
    runner.script("bt-long", MockBacktestOutcome.success("{}").after(Duration.ofMinutes(40)));
    runner.script("bt-stuck", MockBacktestOutcome.hang());
    long started = System.nanoTime();
    BacktestResult result = runner.run(spec("bt-long"));
    assertThat(result).succeeded();
    assertThat(Duration.between(result.startedAt().orElseThrow(), result.finishedAt().orElseThrow()))
        .isBetween(Duration.ofMinutes(40), Duration.ofMinutes(41));
    BacktestResult timedOut = runner.run(spec("bt-stuck").toBuilder().timeout(Duration.ofMinutes(30)).build());
    assertThat(timedOut).timedOut();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aShortWaitForALongBacktestGivesUpAtOnceAndTheClockMovesByTheWait() {
    runner.script("bt-long", MockBacktestOutcome.success("{}").after(Duration.ofMinutes(40)));
    BacktestExecution execution = runner.submit(spec("bt-long"));
    java.time.Instant before = runner.engine().clock().instant();
    assertThatThrownBy(() -> execution.await(Duration.ofMinutes(1)))
        .isInstanceOf(dev.berth.runtime.BacktestTimeoutException.class);
    assertThat(runner.engine().clock().instant()).isAfterOrEqualTo(before.plus(Duration.ofMinutes(1)));
    assertThat(execution.status()).isRunning();
    runner.engine().advance(Duration.ofMinutes(40));
    Await.until(Duration.ofSeconds(10), Duration.ofMillis(5), "bt-long to succeed after advance",
        () -> execution.status().state(), state -> state == BacktestState.SUCCEEDED);
  }

  @Test
  void aNewRunnerTakesOverTheTimeoutsOfAClosedOne() {
    MockBacktestRunner first = new MockBacktestRunner(runner.engine(), "default");
    first.script("bt-1", MockBacktestOutcome.hang());
    BacktestExecution execution = first.submit(spec("bt-1").toBuilder().timeout(Duration.ofMillis(300)).build());
    first.close();
    assertThatThrownBy(execution::await).hasMessageContaining("closed").hasMessageContaining("takes it over");
    try (MockBacktestRunner second = new MockBacktestRunner(runner.engine(), "default")) {
      Await.until(Duration.ofSeconds(10), Duration.ofMillis(10), "the second runner to time bt-1 out",
          () -> second.status("bt-1").state(), state -> state == BacktestState.TIMED_OUT);
    }
  }

  @Test
  void failNextAndEngineOutagesFailSubmit() {
    runner.failNext(SUBMIT, new RuntimeUnavailableException("queue full"));
    assertThatThrownBy(() -> runner.submit(spec("bt-1"))).isInstanceOf(RuntimeUnavailableException.class);
    runner.engine().simulateDown("maintenance");
    assertThat(runner.health().healthy()).isFalse();
    assertThatThrownBy(() -> runner.submit(spec("bt-1"))).isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("maintenance");
    runner.engine().simulateUp();
    assertThat(runner.run(spec("bt-1"))).succeeded();
    assertThat(runner.calls(SUBMIT)).hasSize(3);
    assertThat(runner.recorded(SUBMIT, "bt-1")).extracting(BacktestSpec::image).containsOnly("registry/backtest:3");
    assertThat(runner).receivedSubmit("bt-1").receivedNoCallsTo(MockBacktestRunner.Call.CANCEL);
  }

  @Test
  void mockOptionsDescribeTheOutcome() {
    MockWorkloads workloads = new MockWorkloads();
    assertThat(runner.run(workloads.writeResult("bt-1", "{\"a\":1}").build())).succeeded().hasResultJson("{\"a\":1}");
    assertThat(runner.run(workloads.failWith("bt-2", 4).build())).failed().hasExitCode(4)
        .hasLogTailContaining("failing");
  }
}
