package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BacktestTimeoutException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** How backtests end: success with a result, failure, timeout, cancel, and the execution handle. */
final class BacktestOutcomeChecks {
  private final BacktestKitSession kit;

  BacktestOutcomeChecks(BacktestKitSession kit) {
    this.kit = kit;
  }

  static String json(String text) {
    return text.replaceAll("\\s", "");
  }

  BacktestResult await(BacktestExecution execution, Duration extra) {
    Duration limit = extra.plus(kit.timeouts.await());
    Instant started = kit.clock.instant();
    try {
      return execution.await(limit);
    } catch (BacktestTimeoutException e) {
      Duration waited = Duration.between(started, kit.clock.instant());
      if (waited.compareTo(limit) < 0) {
        throw new AssertionError("await(" + limit + ") of backtest '" + execution.id() + "' threw "
            + "BacktestTimeoutException after only " + waited.toMillis() + " ms (" + e.getMessage() + "); it must "
            + "wait the whole time it was given", e);
      }
      throw new AssertionError(Await.timedOut(limit, "backtest '" + execution.id() + "' to end", e.getMessage()), e);
    }
  }

  void successReturnsTheResultJson() {
    String id = kit.id("bt-ok");
    String resultJson = "{\"pnl\":12.5,\"trades\":[1,2],\"id\":\"" + id + "\"}";
    BacktestResult result = await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, resultJson))),
        kit.timeouts.backtestRun());
    assertThat(result.state()).as("state of a backtest that wrote its result and exited 0 (%s)", result.message())
        .isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.succeeded()).isTrue();
    assertThat(result.exitCode()).as("exit code").hasValue(0);
    assertThat(result.resultJson().map(BacktestOutcomeChecks::json)).as("result JSON returned")
        .hasValue(resultJson);
    assertThat(texts(result.logTail())).as("log tail of the result").contains("done");
    assertThat(result.startedAt()).as("startedAt").isPresent();
    assertThat(result.finishedAt()).as("finishedAt").isPresent();
    assertThat(result.finishedAt().get()).isAfterOrEqualTo(result.startedAt().get());
    assertThat(result.message()).as("message of a successful backtest").isEmpty();
  }

  void failureIsFailedWithItsLogTail() {
    String id = kit.id("bt-fail");
    BacktestResult result = await(kit.runner().submit(kit.spec(kit.workloads.failWith(id, 2))),
        kit.timeouts.backtestRun());
    assertThat(result.state()).as("state of a backtest that exited 2").isEqualTo(BacktestState.FAILED);
    assertThat(result.exitCode()).as("exit code").hasValue(2);
    assertThat(result.resultJson()).as("result JSON of a failed backtest that wrote none").isEmpty();
    assertThat(result.logTail()).as("log tail of the failed backtest")
        .anySatisfy(line -> assertThat(line.text()).isEqualTo("failing"));
    assertThat(result.message()).as("message of a failed backtest").isNotBlank();
  }

  void timeoutEndsTimedOut() {
    String id = kit.id("bt-timeout");
    Duration timeout = kit.timeouts.backtestTimeout();
    BacktestResult result = await(kit.runner().submit(kit.spec(kit.workloads.runForever(id), timeout)), timeout);
    assertThat(result.state()).as("state of a backtest that ran past its %s timeout", timeout)
        .isEqualTo(BacktestState.TIMED_OUT);
    assertThat(result.message()).as("message of a timed-out backtest").isNotBlank();
    assertThat(kit.runner().status(id).state()).as("status after the timeout").isEqualTo(BacktestState.TIMED_OUT);
  }

  void cancelEndsCancelled() {
    String id = kit.id("bt-cancel");
    BacktestExecution execution = kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    kit.awaitState(id, BacktestState.RUNNING);
    kit.runner().cancel(id);
    BacktestResult result = await(execution, Duration.ZERO);
    assertThat(result.state()).as("state of a cancelled backtest").isEqualTo(BacktestState.CANCELLED);
    assertThat(kit.runner().status(id).state()).as("status after cancel").isEqualTo(BacktestState.CANCELLED);
    kit.runner().cancel(id);
    assertThat(kit.runner().status(id).state()).as("status after a second cancel").isEqualTo(BacktestState.CANCELLED);
  }

  void executionCancelEndsCancelled() {
    String id = kit.id("bt-exec-cancel");
    BacktestExecution execution = kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    kit.awaitState(id, BacktestState.RUNNING);
    execution.cancel();
    assertThat(await(execution, Duration.ZERO).state()).as("state after execution.cancel()")
        .isEqualTo(BacktestState.CANCELLED);
  }

  void cancelOfAFinishedBacktestIsANoOp() {
    String id = kit.id("bt-late-cancel");
    await(kit.runner().submit(kit.spec(kit.workloads.writeResult(id, "{}"))), kit.timeouts.backtestRun());
    kit.runner().cancel(id);
    assertThat(kit.runner().status(id).state()).as("state after cancelling a finished backtest")
        .isEqualTo(BacktestState.SUCCEEDED);
  }

  void statusAfterCompletionMatchesTheResult() {
    String id = kit.id("bt-status");
    BacktestResult result = await(kit.runner().submit(kit.spec(kit.workloads.failWith(id, 3))),
        kit.timeouts.backtestRun());
    BacktestStatus status = kit.runner().status(id);
    assertThat(status.state()).as("status().state after the backtest ended").isEqualTo(result.state());
    assertThat(status.exitCode()).as("status().exitCode after the backtest ended").hasValue(3);
    assertThat(status.finishedAt()).as("status().finishedAt after the backtest ended").isPresent();
  }

  void submitReturnsAtOnce() {
    String id = kit.id("bt-submit");
    BacktestExecution execution = kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    assertThat(execution.id()).as("id of the execution").isEqualTo(id);
    assertThat(execution.status().state()).as("state right after submit of a backtest that runs forever")
        .isIn(BacktestState.PENDING, BacktestState.RUNNING);
    assertThatThrownBy(() -> execution.await(Duration.ofMillis(100)))
        .as("await(100 ms) of a backtest that runs forever")
        .isInstanceOfSatisfying(BacktestTimeoutException.class, e -> {
          assertThat(e.backtestId()).as("backtestId of the BacktestTimeoutException").isEqualTo(id);
          assertThat(e.state()).as("state named by the BacktestTimeoutException")
              .isIn(BacktestState.PENDING, BacktestState.RUNNING);
        });
    assertThat(execution.status().state()).as("state after await(100 ms) gave up (the backtest keeps running)")
        .isIn(BacktestState.PENDING, BacktestState.RUNNING);
    kit.runner().cancel(id);
  }

  void resultFutureCompletesAndCancellingItDoesNotCancelTheBacktest() throws Exception {
    String id = kit.id("bt-future");
    BacktestExecution running = kit.runner().submit(kit.spec(kit.workloads.runForever(id)));
    CompletableFuture<BacktestResult> future = running.result();
    kit.awaitState(id, BacktestState.RUNNING);
    future.cancel(true);
    assertThat(kit.runner().status(id).state()).as("state after cancelling the result future (it must not "
        + "cancel the backtest)").isEqualTo(BacktestState.RUNNING);
    kit.runner().cancel(id);
    String done = kit.id("bt-future-ok");
    BacktestResult result = kit.runner().submit(kit.spec(kit.workloads.writeResult(done, "{}"))).result()
        .get(kit.timeouts.backtestRun().plus(kit.timeouts.await()).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(result.state()).as("state the result future completed with").isEqualTo(BacktestState.SUCCEEDED);
  }

  void eightConcurrentBacktestsAllSucceed() throws Exception {
    BacktestRunner runner = kit.runner();
    List<BacktestSpec> specs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String id = kit.id("bt-many");
      specs.add(kit.spec(kit.workloads.writeResult(id, "{\"id\":\"" + id + "\"}")));
    }
    List<CompletableFuture<BacktestResult>> results = specs.stream()
        .map(spec -> CompletableFuture.supplyAsync(() -> runner.submit(spec), KitExecutors.daemon("bt-many"))
            .thenCompose(BacktestExecution::result))
        .collect(Collectors.toList());
    long limit = kit.timeouts.backtestRun().plus(kit.timeouts.await()).toMillis();
    for (int i = 0; i < specs.size(); i++) {
      BacktestResult result = results.get(i).get(limit, TimeUnit.MILLISECONDS);
      assertThat(result.state()).as("state of concurrent backtest %s (%s)", result.id(), result.message())
          .isEqualTo(BacktestState.SUCCEEDED);
      assertThat(result.resultJson().map(BacktestOutcomeChecks::json)).as("result JSON of %s", result.id())
          .hasValue("{\"id\":\"" + specs.get(i).id() + "\"}");
    }
  }

  void logsOfFinishedBacktests() {
    String ok = kit.id("bt-logs-ok");
    String failing = kit.id("bt-logs-fail");
    await(kit.runner().submit(kit.spec(kit.workloads.writeResult(ok, "{}"))), kit.timeouts.backtestRun());
    await(kit.runner().submit(kit.spec(kit.workloads.failWith(failing, 1))), kit.timeouts.backtestRun());
    List<LogLine> okLines = kit.logs(ok, dev.berth.runtime.LogOptions.DEFAULT);
    assertThat(okLines).as("logs of a finished backtest")
        .anySatisfy(line -> assertThat(line).extracting(LogLine::stream, LogLine::text)
            .containsExactly(LogStream.STDOUT, "done"));
    assertThat(texts(kit.logs(failing, dev.berth.runtime.LogOptions.builder().stderrOnly().build())))
        .as("stderr of a failed backtest").contains("failing");
  }
}
