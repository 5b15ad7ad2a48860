package dev.berth.runtime;

/** No backtest with this id exists in the runner's scope (never submitted, or deleted). */
public class BacktestNotFoundException extends WorkloadNotFoundException {
  private static final long serialVersionUID = 1L;

  /**
   * The standard message: {@code No backtest with id 'x' exists in scope 'default'. Check the id, or submit
   * it first.}
   */
  public BacktestNotFoundException(String backtestId, String scope) {
    this(backtestId, scope, "No backtest with id '" + backtestId + "' exists in scope '" + scope + "'. "
        + "Check the id, or submit it first.");
  }

  /** A message of the backend's own that still names the backtest and says what to do. */
  public BacktestNotFoundException(String backtestId, String scope, String message) {
    super(WorkloadKind.BACKTEST, backtestId, scope, message);
  }
}
