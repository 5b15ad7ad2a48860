package dev.berth.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A submitted backtest: watch it, wait for it or cancel it.
 *
 * <pre>{@code
 * BacktestExecution execution = runner.submit(spec);
 * try {
 *   BacktestResult result = execution.await(Duration.ofMinutes(5));
 * } catch (BacktestTimeoutException e) {
 *   execution.cancel();   // still running after five minutes: give up on it
 * }
 * }</pre>
 */
public interface BacktestExecution {
  /** The backtest's id. */
  String id();

  /** Its current state. */
  BacktestStatus status();

  /** Blocks until it ends (success, failure, timeout or cancel) and returns the result. */
  BacktestResult await();

  /**
   * Waits at most {@code maxWait} for the backtest to end and returns its result.
   *
   * @throws BacktestTimeoutException when it has not ended by then; it keeps running
   */
  BacktestResult await(Duration maxWait);

  /** Completes with the result when the backtest ends; cancelling the future does not cancel the backtest. */
  CompletableFuture<BacktestResult> result();

  /** Kills the backtest; it ends CANCELLED. */
  void cancel();
}
