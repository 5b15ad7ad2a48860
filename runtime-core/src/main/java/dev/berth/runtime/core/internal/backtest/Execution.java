package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BacktestTimeoutException;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One backtest the engine sees through, submitted here or adopted from a runner that died: its state, the
 * end a caller or the deadline asked for, and the futures others wait on. The work itself runs on the
 * execution's own thread ({@link Lifecycle}); this class only records what happened, under its monitor.
 *
 * @param <W> the driver's workload handle
 */
final class Execution<W> implements BacktestExecution {
  final Plan plan;
  /** The spec, for an execution submitted here; empty when adopted. */
  final Optional<BacktestSpec> spec;
  /** Completes with the workload once it runs, or empty when it never will. */
  final CompletableFuture<Optional<W>> started = new CompletableFuture<>();
  /** Completes with the spooled log once the workload's log is read in full (empty when it could not be). */
  final CompletableFuture<Optional<LogSpool>> spool = new CompletableFuture<>();
  private final CompletableFuture<BacktestResult> result = new CompletableFuture<>();
  private final Runnable cancelAction;

  private BacktestState state;
  private Instant startedAt;
  private Instant finishedAt;
  private OptionalInt exitCode = OptionalInt.empty();
  private String message = "";
  private BacktestState endRequested;
  private W workload;
  private boolean abandoned;
  private Thread worker;
  private java.util.concurrent.Future<?> deadlineTask;

  Execution(Plan plan, Optional<BacktestSpec> spec, BacktestState initial, Runnable cancelAction) {
    this.plan = plan;
    this.spec = spec;
    this.state = initial;
    this.cancelAction = cancelAction;
  }

  @Override
  public String id() {
    return plan.id();
  }

  @Override
  public synchronized BacktestStatus status() {
    return new BacktestStatus(plan.id(), state, exitCode, Optional.ofNullable(startedAt),
        Optional.ofNullable(finishedAt), message);
  }

  synchronized boolean ended() {
    return state.isTerminal();
  }

  synchronized Optional<W> workload() {
    return Optional.ofNullable(workload);
  }

  synchronized Optional<BacktestState> endRequested() {
    return Optional.ofNullable(endRequested);
  }

  synchronized boolean abandoned() {
    return abandoned;
  }

  /**
   * Records that the workload runs.
   *
   * @return the end a caller asked for meanwhile, which the caller must now carry out
   */
  synchronized Optional<BacktestState> running(W launched, Instant at) {
    workload = launched;
    if (!state.isTerminal()) {
      state = BacktestState.RUNNING;
      startedAt = at;
    }
    started.complete(Optional.of(launched));
    return Optional.ofNullable(endRequested);
  }

  /**
   * Asks for the backtest to end as {@code reason} (CANCELLED or TIMED_OUT); the first request wins.
   *
   * @return the workload to stop, when it runs and this request is the first
   */
  synchronized Optional<W> requestEnd(BacktestState reason) {
    if (state.isTerminal() || endRequested != null) {
      return Optional.empty();
    }
    endRequested = reason;
    return Optional.ofNullable(workload);
  }

  /** The runner is closing: the execution stops watching and leaves the workload for the next runner. */
  synchronized boolean abandon() {
    if (state.isTerminal()) {
      return false;
    }
    abandoned = true;
    return true;
  }

  synchronized void worker(Thread thread) {
    worker = thread;
  }

  synchronized void deadlineTask(java.util.concurrent.Future<?> task) {
    deadlineTask = task;
  }

  /** Interrupts the execution's thread while it launches, so a pull or materialisation ends now. */
  synchronized void interruptLaunch() {
    if (workload == null && worker != null && !state.isTerminal()) {
      worker.interrupt();
    }
  }

  /** Records the outcome and completes every waiter. */
  void finish(BacktestResult outcome) {
    synchronized (this) {
      if (deadlineTask != null) {
        deadlineTask.cancel(false);
      }
      state = outcome.state();
      exitCode = outcome.exitCode();
      startedAt = outcome.startedAt().orElse(startedAt);
      finishedAt = outcome.finishedAt().orElse(Instant.now());
      message = outcome.message();
    }
    started.complete(Optional.empty());
    spool.complete(Optional.empty());
    result.complete(outcome);
  }

  /** Completes the waiters of an execution the closing runner leaves behind. */
  void completeAbandoned(String scope) {
    RuntimeOperationException closed = new RuntimeOperationException("The backtest runner was closed while "
        + "backtest '" + plan.id() + "' ran; it keeps running, and the next runner of scope '" + scope
        + "' takes it over.");
    started.complete(Optional.empty());
    spool.complete(Optional.empty());
    result.completeExceptionally(closed);
  }

  synchronized Optional<Instant> startedAt() {
    return Optional.ofNullable(startedAt);
  }

  /** The result builder's common part: id, state, times and message as recorded so far. */
  synchronized BacktestResult.Builder resultBuilder(BacktestState end, String why) {
    return BacktestResult.builder(plan.id(), end).exitCode(exitCode).startedAt(startedAt)
        .finishedAt(finishedAt != null ? finishedAt : Instant.now()).message(why);
  }

  List<LogLine> tail() {
    return result.isDone() && !result.isCompletedExceptionally() ? result.join().logTail() : List.of();
  }

  @Override
  public BacktestResult await() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while waiting for backtest '" + id() + "'", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  @Override
  public BacktestResult await(Duration maxWait) {
    java.util.Objects.requireNonNull(maxWait, "maxWait");
    try {
      return result.get(Math.max(0, maxWait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BacktestTimeoutException(id(), maxWait, status().state());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while waiting for backtest '" + id() + "'", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  @Override
  public CompletableFuture<BacktestResult> result() {
    return result.copy();
  }

  @Override
  public void cancel() {
    cancelAction.run();
  }

  private RuntimeException unwrap(ExecutionException e) {
    return e.getCause() instanceof BerthException ? (BerthException) e.getCause()
        : new RuntimeOperationException("Backtest '" + id() + "' failed: " + e.getCause(), e.getCause());
  }

  @Override
  public String toString() {
    return "BacktestExecution[" + id() + ", " + status().state() + "]";
  }
}
