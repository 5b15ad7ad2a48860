package dev.berth.runtime.testkit;

import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** Assertions on what a {@link MockBacktestRunner} was asked to do. */
public final class MockBacktestRunnerAssert extends AbstractAssert<MockBacktestRunnerAssert, MockBacktestRunner> {
  MockBacktestRunnerAssert(MockBacktestRunner actual) {
    super(actual, MockBacktestRunnerAssert.class);
  }

  private String recorded() {
    List<MockCall> calls = actual.calls();
    return calls.isEmpty() ? "  (no calls)" : calls.stream().map(call -> "  " + call).collect(Collectors.joining("\n"));
  }

  /** At least one call to {@code method} about {@code id} was recorded (successful or not). */
  public MockBacktestRunnerAssert received(String method, String id) {
    isNotNull();
    if (actual.callsTo(method).stream().noneMatch(call -> call.id().equals(id))) {
      failWithMessage("Expected the MockBacktestRunner to have received %s(\"%s\"); it received:%n%s", method, id,
          recorded());
    }
    return this;
  }

  /** A submit of a spec with this id was recorded. */
  public MockBacktestRunnerAssert receivedSubmit(String id) {
    return received("submit", id);
  }

  /** A cancel of this id was recorded. */
  public MockBacktestRunnerAssert receivedCancel(String id) {
    return received("cancel", id);
  }

  /** A delete of this id was recorded. */
  public MockBacktestRunnerAssert receivedDelete(String id) {
    return received("delete", id);
  }

  /** No call to {@code method} was recorded. */
  public MockBacktestRunnerAssert receivedNoCallsTo(String method) {
    isNotNull();
    int count = actual.callsTo(method).size();
    if (count != 0) {
      failWithMessage("Expected no calls to %s but there were %s; the MockBacktestRunner received:%n%s", method,
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
