package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.core.internal.backtest.BacktestDriver.Exit;
import dev.berth.runtime.core.internal.backtest.BacktestDriver.Found;
import java.util.Optional;
import java.util.OptionalInt;

/** Answers for backtests this runner does not watch: another live runner's, or kept ones that ended. */
final class ForeignStatus {
  private ForeignStatus() {}

  static <W> BacktestStatus of(BacktestDriver<W> driver, Found<W> found) {
    if (found.running()) {
      return new BacktestStatus(found.id(), BacktestState.RUNNING, OptionalInt.empty(), Optional.empty(),
          Optional.empty(), "watched by another runner of this scope");
    }
    Exit exit;
    try {
      exit = driver.awaitExit(found.workload()); // it has exited: this returns at once
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new BacktestStatus(found.id(), BacktestState.RUNNING, OptionalInt.empty(), Optional.empty(),
          Optional.empty(), "");
    }
    boolean succeeded = exit.exitCode().isPresent() && exit.exitCode().getAsInt() == 0;
    return new BacktestStatus(found.id(), succeeded ? BacktestState.SUCCEEDED : BacktestState.FAILED,
        exit.exitCode(), exit.startedAt(), exit.finishedAt(), succeeded ? "" : exit.message());
  }
}
