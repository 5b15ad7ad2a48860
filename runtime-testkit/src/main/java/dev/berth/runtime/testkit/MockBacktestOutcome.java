package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestState;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a scripted {@link MockBacktestRunner} backtest ends, overriding what its spec's options say: it prints
 * only its own {@link #withLog log lines}, none of what the options would print.
 *
 * <pre>{@code
 * runner.script("bt-1", MockBacktestOutcome.success("{\"pnl\":12.5}").after(Duration.ofMillis(200)));
 * runner.script("bt-2", MockBacktestOutcome.failure(2).withLog("boom"));
 * runner.script("bt-3", MockBacktestOutcome.hang());     // until cancel, delete or its timeout
 * }</pre>
 *
 * @param state SUCCEEDED, FAILED, or RUNNING for "never ends on its own"
 * @param exitCode the exit code it ends with
 * @param resultJson the result it writes
 * @param logLines stdout lines it prints before ending
 * @param duration how long it runs before ending; zero ends it within {@code submit}
 */
public record MockBacktestOutcome(BacktestState state, OptionalInt exitCode, Optional<String> resultJson,
    List<String> logLines, Duration duration) {

  public MockBacktestOutcome {
    Objects.requireNonNull(state, "state");
    if (state != BacktestState.SUCCEEDED && state != BacktestState.FAILED && state != BacktestState.RUNNING) {
      throw new IllegalArgumentException(state + " cannot be scripted; script a hang() and cancel it or give it "
          + "a short timeout instead");
    }
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(resultJson, "resultJson");
    logLines = List.copyOf(logLines);
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration " + duration + " is negative");
    }
  }

  /** Succeeds (exit 0) with {@code resultJson}. */
  public static MockBacktestOutcome success(String resultJson) {
    return new MockBacktestOutcome(BacktestState.SUCCEEDED, OptionalInt.of(0), Optional.of(resultJson), List.of(),
        Duration.ZERO);
  }

  /** Exits with {@code exitCode} (non-zero) and no result. */
  public static MockBacktestOutcome failure(int exitCode) {
    return new MockBacktestOutcome(BacktestState.FAILED, OptionalInt.of(exitCode), Optional.empty(), List.of(),
        Duration.ZERO);
  }

  /** Never ends on its own: only cancel, delete or the spec's timeout end it. */
  public static MockBacktestOutcome hang() {
    return new MockBacktestOutcome(BacktestState.RUNNING, OptionalInt.empty(), Optional.empty(), List.of(),
        Duration.ZERO);
  }

  /** The same outcome, reached after running for {@code runTime}. */
  public MockBacktestOutcome after(Duration runTime) {
    return new MockBacktestOutcome(state, exitCode, resultJson, logLines, runTime);
  }

  /** The same outcome, printing these stdout lines first. */
  public MockBacktestOutcome withLog(String... lines) {
    return new MockBacktestOutcome(state, exitCode, resultJson, Arrays.asList(lines), duration);
  }

  /** The outcome a spec's {@code mock.*} options describe. */
  static MockBacktestOutcome of(MockBehaviour behaviour) {
    OptionalInt exit = behaviour.exitsWith();
    MockBacktestOutcome outcome;
    if (exit.isEmpty()) {
      outcome = hang();
    } else if (exit.getAsInt() == 0) {
      outcome = new MockBacktestOutcome(BacktestState.SUCCEEDED, exit, behaviour.resultJson(), List.of(),
          Duration.ZERO);
    } else {
      outcome = failure(exit.getAsInt());
    }
    return outcome.after(behaviour.duration());
  }
}
