package dev.berth.runtime;

/**
 * {@code submit} was called with an id that already names a backtest in this scope (an ended backtest keeps
 * its id until it is deleted); nothing was changed.
 */
public class BacktestAlreadyExistsException extends WorkloadAlreadyExistsException {
  private static final long serialVersionUID = 1L;

  public BacktestAlreadyExistsException(String backtestId, String scope) {
    super(WorkloadKind.BACKTEST, backtestId, scope, "A backtest with id '" + backtestId + "' already exists in "
        + "scope '" + scope + "' (an ended backtest keeps its id until deleted). Delete it first, or pick "
        + "another id.");
  }
}
