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

  public MockBacktestRunnerAssert received(String method, String id) {
    isNotNull();
    if (actual.callsTo(method).stream().noneMatch(call -> call.id().equals(id))) {
      failWithMessage("Expected the MockBacktestRunner to have received %s(\"%s\"); it received:%n%s", method, id,
          recorded());
    }
    return this;
  }

  public MockBacktestRunnerAssert receivedSubmit(String id) {
    return received("submit", id);
  }

  public MockBacktestRunnerAssert receivedCancel(String id) {
    return received("cancel", id);
  }

  public MockBacktestRunnerAssert receivedDelete(String id) {
    return received("delete", id);
  }

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
