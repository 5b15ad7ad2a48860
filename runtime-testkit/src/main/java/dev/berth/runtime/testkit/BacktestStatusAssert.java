package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link BacktestStatus}; start with {@link BerthAssertions#assertThat(BacktestStatus)}. */
public final class BacktestStatusAssert extends AbstractAssert<BacktestStatusAssert, BacktestStatus> {
  BacktestStatusAssert(BacktestStatus actual) {
    super(actual, BacktestStatusAssert.class);
  }

  /** The backtest is in {@code state}. */
  public BacktestStatusAssert hasState(BacktestState state) {
    isNotNull();
    if (actual.state() != state) {
      failWithMessage("Expected backtest '%s' to be %s but it is %s%s", actual.id(), state, actual.state(),
          actual.message().isEmpty() ? "" : " (" + actual.message() + ")");
    }
    return this;
  }

  /** It is RUNNING. */
  public BacktestStatusAssert isRunning() {
    return hasState(BacktestState.RUNNING);
  }

  /** It ended SUCCEEDED. */
  public BacktestStatusAssert succeeded() {
    return hasState(BacktestState.SUCCEEDED);
  }

  /** It has ended: succeeded, failed, timed out or was cancelled. */
  public BacktestStatusAssert hasEnded() {
    isNotNull();
    if (!actual.state().isTerminal()) {
      failWithMessage("Expected backtest '%s' to have ended but it is %s", actual.id(), actual.state());
    }
    return this;
  }

  /** It exited with {@code exitCode}. */
  public BacktestStatusAssert hasExitCode(int exitCode) {
    isNotNull();
    if (actual.exitCode().isEmpty() || actual.exitCode().getAsInt() != exitCode) {
      failWithMessage("Expected backtest '%s' to have exit code %s but it has %s", actual.id(), exitCode,
          actual.exitCode().isPresent() ? actual.exitCode().getAsInt() : "none");
    }
    return this;
  }
}
