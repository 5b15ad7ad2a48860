package dev.berth.runtime;

/** Lifecycle state of a backtest. */
public enum BacktestState {
  PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

  /** True once the backtest can no longer change state. */
  public boolean isTerminal() {
    return this != PENDING && this != RUNNING;
  }
}
