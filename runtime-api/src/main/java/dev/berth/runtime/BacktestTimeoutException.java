package dev.berth.runtime;

import java.time.Duration;

/** A backtest, or a wait for one, ran past its time limit. */
public class BacktestTimeoutException extends BerthException {
  private static final long serialVersionUID = 1L;
  private final String backtestId;

  public BacktestTimeoutException(String backtestId, Duration limit) {
    super("Backtest '" + backtestId + "' did not finish within " + limit
        + ". Raise BacktestSpec.timeout or the wait, or check its logs for a hang.");
    this.backtestId = backtestId;
  }

  /** The backtest that timed out. */
  public String backtestId() {
    return backtestId;
  }
}
