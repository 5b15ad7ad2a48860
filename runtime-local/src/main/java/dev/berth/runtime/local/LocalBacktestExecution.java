package dev.berth.runtime.local;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BacktestTimeoutException;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A submitted local backtest. */
final class LocalBacktestExecution implements BacktestExecution {
  private final LocalBacktestRunner runner;
  private final BacktestJob job;

  LocalBacktestExecution(LocalBacktestRunner runner, BacktestJob job) {
    this.runner = runner;
    this.job = job;
  }

  @Override
  public String id() {
    return job.id();
  }

  @Override
  public BacktestStatus status() {
    return job.status();
  }

  @Override
  public BacktestResult await() {
    try {
      return job.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while waiting for backtest '" + id() + "'", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  @Override
  public BacktestResult await(Duration maxWait) {
    try {
      return job.result.get(Math.max(0, maxWait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BacktestTimeoutException(id(), maxWait, job.status().state());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while waiting for backtest '" + id() + "'", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  @Override
  public CompletableFuture<BacktestResult> result() {
    return job.result.copy();
  }

  @Override
  public void cancel() {
    runner.cancel(id());
  }

  private RuntimeException unwrap(ExecutionException e) {
    if (e.getCause() instanceof BerthException) {
      return (BerthException) e.getCause();
    }
    return new RuntimeOperationException("Backtest '" + id() + "' failed: " + e.getCause(), e.getCause());
  }

  @Override
  public String toString() {
    return "LocalBacktestExecution[" + id() + ", " + job.state + "]";
  }
}
