package dev.berth.runtime.testkit;

import org.assertj.core.api.AbstractAssert;

/** Assertions on what a {@link MockBacktestRunner} was asked to do. */
public final class MockBacktestRunnerAssert extends AbstractAssert<MockBacktestRunnerAssert, MockBacktestRunner> {
  MockBacktestRunnerAssert(MockBacktestRunner actual) {
    super(actual, MockBacktestRunnerAssert.class);
  }

  private String recorded() {
    return CallScript.describe(actual.calls());
  }

  /** At least one call to {@code call} about {@code id} was recorded (successful or not). */
  public MockBacktestRunnerAssert received(MockBacktestRunner.Call<?> call, String id) {
    isNotNull();
    if (actual.calls(call).stream().noneMatch(each -> each.id().equals(id))) {
      failWithMessage("Expected the MockBacktestRunner to have received %s(\"%s\"); it received:%s", call.name(),
          id, recorded());
    }
    return this;
  }

  /** A submit of a spec with this id was recorded. */
  public MockBacktestRunnerAssert receivedSubmit(String id) {
    return received(MockBacktestRunner.Call.SUBMIT, id);
  }

  /** A cancel of this id was recorded. */
  public MockBacktestRunnerAssert receivedCancel(String id) {
    return received(MockBacktestRunner.Call.CANCEL, id);
  }

  /** A delete of this id was recorded. */
  public MockBacktestRunnerAssert receivedDelete(String id) {
    return received(MockBacktestRunner.Call.DELETE, id);
  }

  /** No call to {@code call} was recorded. */
  public MockBacktestRunnerAssert receivedNoCallsTo(MockBacktestRunner.Call<?> call) {
    isNotNull();
    int count = actual.calls(call).size();
    if (count != 0) {
      failWithMessage("Expected no calls to %s but there were %s; the MockBacktestRunner received:%s", call.name(),
          count, recorded());
    }
    return this;
  }

  /** No backtest of the runner's scope is PENDING or RUNNING. */
  public MockBacktestRunnerAssert hasNoActiveBacktests() {
    isNotNull();
    if (!actual.activeBacktests().isEmpty()) {
      failWithMessage("Expected no running backtests but these run: %s", actual.activeBacktests());
    }
    return this;
  }
}
