package dev.berth.runtime.testkit;

import dev.berth.runtime.BotStatus;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on what a {@link MockRuntime} was asked to do; start with
 * {@link BerthAssertions#assertThat(MockRuntime)}. Failure messages list every recorded call.
 */
public final class MockRuntimeAssert extends AbstractAssert<MockRuntimeAssert, MockRuntime> {
  MockRuntimeAssert(MockRuntime actual) {
    super(actual, MockRuntimeAssert.class);
  }

  private String recorded() {
    return CallScript.describe(actual.calls());
  }

  /**
   * At least one call to {@code call} about {@code id} was recorded (successful or not).
   *
   * <pre>{@code
   * assertThat(runtime).received(UPDATE, "bot-1");
   * }</pre>
   */
  public MockRuntimeAssert received(MockRuntime.Call<?> call, String id) {
    isNotNull();
    if (actual.calls(call).stream().noneMatch(each -> each.id().equals(id))) {
      failWithMessage("Expected the MockRuntime to have received %s(\"%s\"); it received:%s", call.name(), id,
          recorded());
    }
    return this;
  }

  /** A create of a spec with this id was recorded. */
  public MockRuntimeAssert receivedCreate(String id) {
    return received(MockRuntime.Call.CREATE, id);
  }

  /** A start of this id was recorded. */
  public MockRuntimeAssert receivedStart(String id) {
    return received(MockRuntime.Call.START, id);
  }

  /** A stop of this id was recorded. */
  public MockRuntimeAssert receivedStop(String id) {
    return received(MockRuntime.Call.STOP, id);
  }

  /** A restart of this id was recorded. */
  public MockRuntimeAssert receivedRestart(String id) {
    return received(MockRuntime.Call.RESTART, id);
  }

  /** A delete of this id was recorded. */
  public MockRuntimeAssert receivedDelete(String id) {
    return received(MockRuntime.Call.DELETE, id);
  }

  /** An update of this id was recorded. */
  public MockRuntimeAssert receivedUpdate(String id) {
    return received(MockRuntime.Call.UPDATE, id);
  }

  /** Exactly {@code times} calls to {@code call} were recorded. */
  public MockRuntimeAssert receivedCalls(MockRuntime.Call<?> call, int times) {
    isNotNull();
    int count = actual.calls(call).size();
    if (count != times) {
      failWithMessage("Expected %s calls to %s but there were %s; the MockRuntime received:%s", times, call.name(),
          count, recorded());
    }
    return this;
  }

  /** No call to {@code call} was recorded. */
  public MockRuntimeAssert receivedNoCallsTo(MockRuntime.Call<?> call) {
    return receivedCalls(call, 0);
  }

  /** A bot with this id exists in the runtime's scope. */
  public MockRuntimeAssert hasBot(String id) {
    isNotNull();
    if (actual.engine().bots(actual.scope()).stream().noneMatch(bot -> bot.id().equals(id))) {
      failWithMessage("Expected bot '%s' to exist in scope '%s'; the bots are %s", id, actual.scope(),
          ids(actual.engine().bots(actual.scope())));
    }
    return this;
  }

  /** No bot with this id exists in the runtime's scope. */
  public MockRuntimeAssert hasNoBot(String id) {
    isNotNull();
    if (actual.engine().bots(actual.scope()).stream().anyMatch(bot -> bot.id().equals(id))) {
      failWithMessage("Expected no bot '%s' in scope '%s', but it exists", id, actual.scope());
    }
    return this;
  }

  /** No bot of the runtime's scope is RUNNING. */
  public MockRuntimeAssert hasNoRunningBots() {
    isNotNull();
    List<BotStatus> running = actual.runningBots();
    if (!running.isEmpty()) {
      failWithMessage("Expected no running bots in scope '%s' but these run: %s", actual.scope(), ids(running));
    }
    return this;
  }

  private static List<String> ids(List<BotStatus> statuses) {
    return statuses.stream().map(BotStatus::id).collect(Collectors.toList());
  }
}
