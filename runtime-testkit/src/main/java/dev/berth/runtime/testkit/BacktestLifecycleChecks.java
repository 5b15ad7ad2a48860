package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.Health;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeClosedException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

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
        .isInstanceOf(BacktestAlreadyExistsException.class).hasMessageContaining(id)
        .hasMessageContaining("backtest").hasMessageNotContaining("bot ");
    assertThat(kit.runner().status(id).state()).as("state of the first backtest after the rejected submit")
        .isIn(BacktestState.PENDING, BacktestState.RUNNING);
    kit.runner().cancel(id);
    outcomes.await(first, Duration.ZERO);
    assertThatThrownBy(() -> kit.runner().submit(second)).as("submit with the id of an ended, not deleted backtest")
        .isInstanceOf(BacktestAlreadyExistsException.class);
    kit.runner().delete(id);
    assertThat(outcomes.await(kit.runner().submit(second), kit.timeouts.backtestRun()).state())
        .as("state of a backtest submitted with the id of a deleted one").isEqualTo(BacktestState.SUCCEEDED);
  }

  void callsOnAnUnknownIdThrowBacktestNotFound() {
    String id = kit.id("bt-unknown");
    BacktestRunner runner = kit.runner();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThatThrownBy(() -> runner.status(id)).as("status of an unknown backtest")
        .isInstanceOf(BacktestNotFoundException.class).hasMessageContaining(id).hasMessageContaining("backtest");
    softly.assertThatThrownBy(() -> ErrorChecks.drain(runner.logs(id, LogOptions.DEFAULT)))
        .as("logs of an unknown backtest").isInstanceOf(BacktestNotFoundException.class).hasMessageContaining(id);
    softly.assertThatThrownBy(() -> runner.cancel(id)).as("cancel of an unknown backtest")
        .isInstanceOf(BacktestNotFoundException.class).hasMessageContaining(id);
    softly.assertAll();
    runner.delete(id);
  }

  /** A malformed id is bad input on every call, delete included: never "not found", never a path. */
  void callsWithAMalformedIdThrowInvalidSpec() {
    BacktestRunner runner = kit.runner();
    SoftAssertions softly = new SoftAssertions();
    for (String id : new String[] {"../x", "Bad_Id"}) {
      Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
      calls.put("status", () -> runner.status(id));
      calls.put("logs", () -> ErrorChecks.drain(runner.logs(id, LogOptions.DEFAULT)));
      calls.put("cancel", () -> runner.cancel(id));
      calls.put("delete", () -> runner.delete(id));
      calls.forEach((name, call) -> softly.assertThatThrownBy(call)
          .as("%s with the malformed id '%s' must throw InvalidSpecException naming backtestId and the value", name,
              id)
          .isInstanceOf(InvalidSpecException.class).hasMessageContaining("backtestId").hasMessageContaining(id));
    }
    softly.assertAll();
  }

  /** Text that reaches the OS never holds NUL: such a spec is rejected before anything is submitted. */
  void aNulInWhatReachesTheOsIsRejected() {
    String id = kit.id("bt-nul");
    assertThatThrownBy(() -> kit.spec(kit.workloads.writeResult(id, "{}").env("API_KEY", "sec\0ret")))
        .as("a backtest spec whose env value holds a NUL").isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("env.API_KEY").hasMessageContaining("NUL");
    assertThatThrownBy(() -> kit.runner().status(id)).as("status after the rejected spec (nothing may be submitted)")
        .isInstanceOf(BacktestNotFoundException.class);
  }

  /**
   * After close every call but close, type and health throws RuntimeClosedException, the same on every
   * backend; health says unhealthy; the backtests are untouched.
   */
  void everyCallAfterCloseThrowsRuntimeClosed() {
    String id = kit.id("bt-closed");
    outcomes.await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, "{}"))), kit.timeouts.backtestRun());
    BacktestRunner closed = kit.runner(kit.scope);
    String type = closed.type();
    closed.close();
    BacktestSpec spec = kit.spec(kit.workloads.writeResult(kit.id("bt-closed-new"), "{}"));
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("submit", () -> closed.submit(spec));
    calls.put("run", () -> closed.run(spec));
    calls.put("status", () -> closed.status(id));
    calls.put("logs", () -> ErrorChecks.drain(closed.logs(id, LogOptions.DEFAULT)));
    calls.put("cancel", () -> closed.cancel(id));
    calls.put("delete", () -> closed.delete(id));
    SoftAssertions softly = new SoftAssertions();
    calls.forEach((name, call) -> softly.assertThatThrownBy(call)
        .as("%s on a closed backtest runner must throw RuntimeClosedException", name)
        .isInstanceOf(RuntimeClosedException.class));
    softly.assertThat(closed.type()).as("type() of a closed runner").isEqualTo(type);
    Health health = closed.health();
    softly.assertThat(health.healthy()).as("health().healthy() of a closed runner").isFalse();
    softly.assertThat(health.message()).as("health().message() of a closed runner").containsIgnoringCase("closed");
    softly.assertAll();
    closed.close();
    assertThat(kit.runner().status(id).state()).as("state of the backtest after calls on a closed instance")
        .isEqualTo(BacktestState.SUCCEEDED);
  }

  void deleteRemovesEverything() {
    String id = kit.id("bt-delete");
    outcomes.await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, "{}"))), kit.timeouts.backtestRun());
    kit.runner().delete(id);
    assertThatThrownBy(() -> kit.runner().status(id)).as("status of a deleted backtest")
        .isInstanceOf(BacktestNotFoundException.class);
    assertThatThrownBy(() -> ErrorChecks.drain(kit.runner().logs(id, LogOptions.DEFAULT)))
        .as("logs of a deleted backtest").isInstanceOf(BacktestNotFoundException.class);
    kit.runner().delete(id);
  }

  void deleteOfARunningBacktestCancelsIt() {
    String id = kit.id("bt-delete-run");
    BacktestExecution execution = kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    kit.awaitState(id, BacktestState.RUNNING);
    kit.runner().delete(id);
    assertThatThrownBy(() -> kit.runner().status(id)).as("status of a deleted running backtest")
        .isInstanceOf(BacktestNotFoundException.class);
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
    Threads.awaitNoneBeyond(baseline, kit.timeouts, kit.fixtureThreads,
        "by a backtest runner that was used and closed");
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
