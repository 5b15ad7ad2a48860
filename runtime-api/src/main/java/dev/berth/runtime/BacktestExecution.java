package dev.berth.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A submitted backtest: watch it, wait for it or cancel it. */
public interface BacktestExecution {
  /** The backtest's id. */
  String id();

  /** Its current state. */
  BacktestStatus status();

  /** Blocks until it ends (success, failure, timeout or cancel) and returns the result. */
  BacktestResult await();

  /** Waits at most {@code maxWait}; empty when it is still running then. */
  Optional<BacktestResult> await(Duration maxWait);

  /** Completes with the result when the backtest ends; cancelling the future does not cancel the backtest. */
  CompletableFuture<BacktestResult> result();

  /** Kills the backtest; it ends CANCELLED. */
  void cancel();
}
