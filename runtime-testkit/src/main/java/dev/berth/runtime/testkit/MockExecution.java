package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BacktestTimeoutException;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The handle {@link MockBacktestRunner#submit} returns; it keeps working after the backtest was deleted. With
 * virtual time a wait moves the engine's clock to the backtest's end (its scripted end or its timeout), or
 * by the whole wait when the end lies beyond it, instead of sleeping.
 */
final class MockExecution implements BacktestExecution {
  private final MockBacktest backtest;
  private final MockTime time;
  private final Runnable cancel;
  private final CompletableFuture<BacktestResult> result;

  MockExecution(MockBacktest backtest, MockTime time, Runnable cancel) {
    this.backtest = backtest;
    this.time = time;
    this.cancel = cancel;
    this.result = backtest.future().copy();
  }

  /** The runner closed: waiters that have not got a result get an exception instead. */
  void abandon(String scope) {
    result.completeExceptionally(new RuntimeOperationException("The runner was closed while backtest '" + id()
        + "' ran; it keeps running, and the next runner of scope '" + scope + "' takes it over."));
  }

  @Override
  public String id() {
    return backtest.spec().id();
  }

  @Override
  public BacktestStatus status() {
    return backtest.status();
  }

  @Override
  public BacktestResult await() {
    if (time.virtual() && !result.isDone()) {
      backtest.due().ifPresent(time::skipTo);
    }
    try {
      return result.join();
    } catch (CompletionException e) {
      throw (RuntimeOperationException) e.getCause();
    }
  }

  @Override
  public BacktestResult await(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    long wait = saturatedNanos(maxWait);
    if (time.virtual() && !result.isDone()) {
      long limit = saturatedSum(time.ticks(), wait);
      long due = backtest.due().orElse(Long.MAX_VALUE);
      time.skipTo(Math.min(due, limit));
      if (due > limit && !result.isDone()) {
        throw new BacktestTimeoutException(id(), maxWait, backtest.state());
      }
    }
    try {
      return result.get(wait, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BacktestTimeoutException(id(), maxWait, backtest.state());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while waiting for backtest '" + id() + "'; it keeps "
          + "running.", e);
    } catch (ExecutionException e) {
      throw (RuntimeOperationException) e.getCause();
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return Math.max(0, duration.toNanos());
    } catch (ArithmeticException e) {
      return duration.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }

  private static long saturatedSum(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public CompletableFuture<BacktestResult> result() {
    return result.copy();
  }

  @Override
  public void cancel() {
    cancel.run();
  }
}
