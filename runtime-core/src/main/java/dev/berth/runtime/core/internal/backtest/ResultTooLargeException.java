package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.RuntimeOperationException;

/** The result file a backtest wrote is larger than {@code backtest.result-max-size}. */
public final class ResultTooLargeException extends RuntimeOperationException {
  private static final long serialVersionUID = 1L;

  /**
   * @param backtestId the backtest
   * @param resultPath the file, as the spec names it
   * @param size its size, or a lower bound
   * @param maxBytes the cap
   */
  public ResultTooLargeException(String backtestId, String resultPath, long size, long maxBytes) {
    super("The result of backtest '" + backtestId + "' (" + resultPath + ", " + size + (size > maxBytes ? "+" : "")
        + " bytes) is larger than backtest.result-max-size (" + maxBytes + " bytes); it was not collected. "
        + "Write a smaller result, or raise backtest.result-max-size.");
  }
}
