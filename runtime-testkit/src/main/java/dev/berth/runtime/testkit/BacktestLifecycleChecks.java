package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;

/** Ids, delete, logs, leftovers and close of backtest runners. */
final class BacktestLifecycleChecks {
  private final BacktestKitSession kit;
  private final BacktestOutcomeChecks outcomes;

  BacktestLifecycleChecks(BacktestKitSession kit) {
    this.kit = kit;
    this.outcomes = new BacktestOutcomeChecks(kit);
  }

  void aTakenIdIsRejectedWhileTheBacktestIsPresent() {
    String id = kit.id("bt-dup");
    BacktestExecution first = kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    BacktestSpec second = kit.spec(kit.workloads.writeResult(id, "{}"));
    assertThatThrownBy(() -> kit.runner().submit(second)).as("submit with the id of a running backtest")
        .isInstanceOf(BotAlreadyExistsException.class).hasMessageContaining(id);
    assertThat(kit.runner().status(id).state()).as("state of the first backtest after the rejected submit")
        .isIn(BacktestState.PENDING, BacktestState.RUNNING);
    kit.runner().cancel(id);
    outcomes.await(first, Duration.ZERO);
    assertThatThrownBy(() -> kit.runner().submit(second)).as("submit with the id of an ended, not deleted backtest")
        .isInstanceOf(BotAlreadyExistsException.class);
    kit.runner().delete(id);
    assertThat(outcomes.await(kit.runner().submit(second), kit.timeouts.backtestRun()).state())
        .as("state of a backtest submitted with the id of a deleted one").isEqualTo(BacktestState.SUCCEEDED);
  }

  void callsOnAnUnknownIdThrowBotNotFound() {
    String id = kit.id("bt-unknown");
    BacktestRunner runner = kit.runner();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThatThrownBy(() -> runner.status(id)).as("status of an unknown backtest")
        .isInstanceOf(BotNotFoundException.class).hasMessageContaining(id);
    softly.assertThatThrownBy(() -> ErrorChecks.drain(runner.logs(id, LogOptions.DEFAULT)))
        .as("logs of an unknown backtest").isInstanceOf(BotNotFoundException.class).hasMessageContaining(id);
    softly.assertThatThrownBy(() -> runner.cancel(id)).as("cancel of an unknown backtest")
        .isInstanceOf(BotNotFoundException.class).hasMessageContaining(id);
    softly.assertAll();
    runner.delete(id);
  }

  void deleteRemovesEverything() {
    String id = kit.id("bt-delete");
    outcomes.await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, "{}"))), kit.timeouts.backtestRun());
    kit.runner().delete(id);
    assertThatThrownBy(() -> kit.runner().status(id)).as("status of a deleted backtest")
        .isInstanceOf(BotNotFoundException.class);
    assertThatThrownBy(() -> ErrorChecks.drain(kit.runner().logs(id, LogOptions.DEFAULT)))
        .as("logs of a deleted backtest").isInstanceOf(BotNotFoundException.class);
    kit.runner().delete(id);
  }

  void deleteOfARunningBacktestCancelsIt() {
    String id = kit.id("bt-delete-run");
    BacktestExecution execution = kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    kit.awaitState(id, BacktestState.RUNNING);
    kit.runner().delete(id);
    assertThatThrownBy(() -> kit.runner().status(id)).as("status of a deleted running backtest")
        .isInstanceOf(BotNotFoundException.class);
    assertThat(outcomes.await(execution, Duration.ZERO).state()).as("how a backtest deleted while running ended")
        .isEqualTo(BacktestState.CANCELLED);
  }

  void followEndsWhenTheBacktestEnds() {
    String id = kit.id("bt-follow");
    kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    try (Follower follower = Follower.start(() -> kit.runner().logs(id, LogOptions.following()), kit.timeouts,
        "the follow of backtest '" + id + "'")) {
      follower.awaitLines("'started' to arrive", lines -> texts(lines).contains("started"));
      kit.runner().cancel(id);
      assertThat(follower.endsWithin(kit.timeouts.await())).as("the follow ended after cancel").isTrue();
    }
  }

  void aNewRunnerTakesOverARunningBacktestAndEnforcesItsDeadline() {
    String id = kit.id("bt-orphan");
    Duration timeout = kit.timeouts.backtestTimeout().multipliedBy(4);
    BacktestRunner first = kit.runner(kit.scope);
    BacktestExecution orphan = first.submit(kit.spec(kit.workloads.runForever(id), timeout));
    Await.until(kit.timeouts, "backtest '" + id + "' to print 'started'",
        () -> texts(kit.logs(first, id)).contains("started"));
    first.close();
    assertThat(orphan.result()).as("the waiters of a closed runner's backtest").isCompletedExceptionally();
    BacktestRunner next = kit.runner(kit.scope);
    assertThat(next.status(id).state()).as("state of the backtest seen by a new runner before its deadline")
        .isIn(BacktestState.RUNNING, BacktestState.TIMED_OUT);
    BacktestStatus ended = Await.until(timeout.plus(kit.timeouts.await()), kit.timeouts.pollInterval(),
        "the new runner to time out backtest '" + id + "' at its " + timeout + " deadline", () -> next.status(id),
        status -> status.state().isTerminal());
    assertThat(ended.state()).as("how the taken-over backtest ended (%s)", ended.message())
        .isEqualTo(BacktestState.TIMED_OUT);
    assertThat(texts(kit.logs(next, id))).as("log of the taken-over backtest").contains("started");
    kit.leftovers().ifPresent(left -> Await.until(kit.timeouts, "the taken-over backtest to be removed",
        () -> kit.leftovers().orElseThrow(), now -> !now.contains(id)));
  }

  private Set<String> leftovers() {
    Optional<Set<String>> leftovers = kit.leftovers();
    assumeTrue(leftovers.isPresent(), "the backend's kit does not implement leftovers(scope)");
    return leftovers.get();
  }

  void endedBacktestsLeaveNoWorkloadBehind() {
    leftovers();
    String ok = kit.id("bt-clean-ok");
    String failed = kit.id("bt-clean-fail");
    String timedOut = kit.id("bt-clean-timeout");
    String cancelled = kit.id("bt-clean-cancel");
    BacktestRunner runner = kit.runner();
    BacktestExecution timing = runner.submit(kit.spec(kit.workloads.runForever(timedOut),
        kit.timeouts.backtestTimeout()));
    BacktestExecution cancelling = runner.submit(kit.spec(kit.workloads.runForever(cancelled)));
    outcomes.await(runner.submit(kit.spec(kit.workloads.writeResult(ok, "{}"))), kit.timeouts.backtestRun());
    outcomes.await(runner.submit(kit.spec(kit.workloads.failWith(failed, 1))), kit.timeouts.backtestRun());
    kit.awaitState(cancelled, BacktestState.RUNNING);
    runner.cancel(cancelled);
    outcomes.await(cancelling, Duration.ZERO);
    outcomes.await(timing, kit.timeouts.backtestTimeout());
    Await.until(kit.timeouts, "the workloads of ended backtests to be removed", this::leftovers,
        left -> left.stream().noneMatch(List.of(ok, failed, timedOut, cancelled)::contains));
  }

  void keepLeavesTheWorkloadUntilDelete() {
    leftovers();
    String id = kit.id("bt-keep");
    outcomes.await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, "{}").keep(true))),
        kit.timeouts.backtestRun());
    assertThat(leftovers()).as("workloads left after a backtest with keep(true) ended").contains(id);
    kit.runner().delete(id);
    Await.until(kit.timeouts, "the kept workload to be removed by delete", this::leftovers, left -> !left.contains(id));
  }

  void healthIsHealthy() {
    Health health = kit.runner().health();
    assertThat(health.healthy()).as("health() of the runner: %s", health.message()).isTrue();
    assertThat(kit.runner().type()).as("type()").matches("[a-z][a-z0-9-]*");
  }

  void closeTwiceIsANoOp() {
    BacktestRunner runner = kit.runner(kit.scope);
    runner.health();
    runner.close();
    runner.close();
  }

  void closeReleasesThreads() {
    exercise(kit.runner(kit.scope));
    Set<Thread> baseline = Threads.snapshot();
    BacktestRunner runner = kit.runner(kit.scope);
    exercise(runner);
    runner.close();
    Threads.awaitNoneBeyond(baseline, kit.timeouts, "by a backtest runner that was used and closed");
  }

  private void exercise(BacktestRunner runner) {
    String ok = kit.id("bt-threads");
    outcomes.await(runner.submit(kit.spec(kit.workloads.writeResult(ok, "{}"))), kit.timeouts.backtestRun());
    ErrorChecks.drain(runner.logs(ok, LogOptions.DEFAULT));
    String cancelled = kit.id("bt-threads-cancel");
    BacktestExecution execution = runner.submit(kit.spec(kit.workloads.runForever(cancelled)));
    runner.cancel(cancelled);
    outcomes.await(execution, Duration.ZERO);
    runner.delete(ok);
    runner.delete(cancelled);
  }
}
