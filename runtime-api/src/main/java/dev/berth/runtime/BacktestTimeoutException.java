package dev.berth.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * {@link BacktestExecution#await(Duration)} gave up: the backtest has not ended within the wait. The backtest
 * itself is unaffected and keeps running (its own limit is {@link BacktestSpec#timeout()}, after which it ends
 * TIMED_OUT).
 */
public class BacktestTimeoutException extends BerthException {
  private static final long serialVersionUID = 1L;
  private final String backtestId;
  private final Duration waited;
  private final BacktestState state;

  /**
   * @param backtestId the backtest waited for
   * @param waited how long the caller waited
   * @param state its state when the wait ended
   */
  public BacktestTimeoutException(String backtestId, Duration waited, BacktestState state) {
    super("Backtest '" + backtestId + "' has not ended within " + waited + " (it is " + state
        + " and keeps running). Wait again, cancel it, or check its logs for a hang.");
    this.backtestId = backtestId;
    this.waited = Objects.requireNonNull(waited, "waited");
    this.state = Objects.requireNonNull(state, "state");
  }

  /** The backtest waited for. */
  public String backtestId() {
    return backtestId;
  }

  /** How long the caller waited. */
  public Duration waited() {
    return waited;
  }

  /** The backtest's state when the wait ended (PENDING or RUNNING). */
  public BacktestState state() {
    return state;
  }
}
