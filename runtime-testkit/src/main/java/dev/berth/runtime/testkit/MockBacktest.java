package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** One backtest on a {@link MockEngine}. Guarded by its own monitor; the result future completes once. */
final class MockBacktest {
  /** Lines of both streams kept in {@link BacktestResult#logTail()}. */
  static final int LOG_TAIL = 100;

  final String scope;
  final String runtimeId;
  final MockLog log = new MockLog();
  private final BacktestSpec spec;
  private final MockBacktestOutcome outcome;
  private final List<MockBehaviour.Output> output;
  private final CompletableFuture<BacktestResult> result = new CompletableFuture<>();
  private BacktestState state = BacktestState.PENDING;
  private OptionalInt exitCode = OptionalInt.empty();
  private Instant startedAt;
  private Instant finishedAt;
  private String message = "";
  private boolean workloadPresent = true;
  /** Pending ends and timeouts, with the runner that armed each. */
  private final List<Timer> timers = new ArrayList<>();

  private record Timer(MockTime.Event event, Object owner) {}

  MockBacktest(String scope, BacktestSpec spec, MockBacktestOutcome outcome, List<MockBehaviour.Output> output,
      String runtimeId) {
    this.scope = scope;
    this.spec = spec;
    this.outcome = outcome;
    this.output = List.copyOf(output);
    this.runtimeId = runtimeId;
  }

  BacktestSpec spec() {
    return spec;
  }

  MockBacktestOutcome outcome() {
    return outcome;
  }

  /** What the workload prints as it starts, before the outcome's own log lines. */
  List<MockBehaviour.Output> output() {
    return output;
  }

  CompletableFuture<BacktestResult> future() {
    return result;
  }

  synchronized boolean workloadPresent() {
    return workloadPresent;
  }

  synchronized BacktestState state() {
    return state;
  }

  synchronized Instant startedAt() {
    return startedAt;
  }

  synchronized BacktestStatus status() {
    return BacktestStatus.builder(spec.id(), state).exitCode(exitCode).startedAt(startedAt).finishedAt(finishedAt)
        .message(message).build();
  }

  /** A pending end or timeout armed by {@code owner}, cancelled once the backtest has ended. */
  synchronized void addTimer(MockTime.Event event, Object owner) {
    if (state.isTerminal()) {
      event.cancel();
    } else {
      timers.add(new Timer(event, owner));
    }
  }

  /** Cancels the ends and timeouts {@code owner} armed (a runner that closes); others keep theirs. */
  synchronized void cancelTimers(Object owner) {
    timers.removeIf(timer -> {
      if (timer.owner() == owner) {
        timer.event().cancel();
        return true;
      }
      return false;
    });
  }

  /** When the first pending end or timeout falls due, in {@link MockTime#ticks()}; empty when none is armed. */
  synchronized java.util.OptionalLong due() {
    return timers.stream().mapToLong(timer -> timer.event().due()).min();
  }

  synchronized void running(Instant now) {
    state = BacktestState.RUNNING;
    startedAt = now;
    log.live(true);
  }

  void print(LogStream stream, String text, Instant now) {
    log.append(new LogLine(now, stream, text));
  }

  /**
   * Ends the backtest unless it has ended already; the workload goes away unless the spec keeps it.
   *
   * @return whether this call ended it
   */
  boolean finish(BacktestState end, OptionalInt code, Optional<String> json, String why, Instant now) {
    BacktestResult done;
    synchronized (this) {
      if (state.isTerminal()) {
        return false;
      }
      state = end;
      exitCode = code;
      finishedAt = now;
      message = why;
      workloadPresent = spec.keep();
      log.live(false);
      done = BacktestResult.builder(spec.id(), end).from(status()).resultJson(json.orElse(null))
          .logTail(log.read(LogOptions.tail(LOG_TAIL))).build();
      timers.forEach(timer -> timer.event().cancel());
      timers.clear();
    }
    result.complete(done);
    return true;
  }

  /** Deleted: the workload and its log are gone. */
  synchronized void remove() {
    workloadPresent = false;
    log.remove();
  }
}
