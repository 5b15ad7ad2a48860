package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * AssertJ entry points for Berth types. Import them next to AssertJ's own:
 *
 * <pre>{@code
 * import static dev.berth.runtime.testkit.BerthAssertions.assertThat;
 * import static org.assertj.core.api.Assertions.assertThat;
 *
 * assertThat(runtime.status("bot-1")).isRunning().hasLabel("team", "quant");
 * assertThat(runner.run(spec)).succeeded().hasResultJsonContaining("\"pnl\"");
 * assertThat(mock).receivedStart("bot-1").receivedNoCallsTo(MockRuntime.Call.DELETE);
 * assertThatLogs(runtime.logs("bot-1")).containsTexts("connected");
 * }</pre>
 */
public final class BerthAssertions {
  private BerthAssertions() {}

  /** Assertions on a bot's status. */
  public static BotStatusAssert assertThat(BotStatus actual) {
    return new BotStatusAssert(actual);
  }

  /** Assertions on a finished backtest. */
  public static BacktestResultAssert assertThat(BacktestResult actual) {
    return new BacktestResultAssert(actual);
  }

  /** Assertions on a backtest's status. */
  public static BacktestStatusAssert assertThat(BacktestStatus actual) {
    return new BacktestStatusAssert(actual);
  }

  /** Assertions on the calls a MockRuntime received and the bots it holds. */
  public static MockRuntimeAssert assertThat(MockRuntime actual) {
    return new MockRuntimeAssert(actual);
  }

  /** Assertions on the calls a MockBacktestRunner received. */
  public static MockBacktestRunnerAssert assertThat(MockBacktestRunner actual) {
    return new MockBacktestRunnerAssert(actual);
  }

  /** Log lines, e.g. collected from {@code runtime.logs(id)}. */
  public static LogLinesAssert assertThat(List<LogLine> actual) {
    return new LogLinesAssert(actual);
  }

  /** Log lines under a name that never clashes with AssertJ's {@code assertThat(List)}. */
  public static LogLinesAssert assertThatLogs(List<LogLine> actual) {
    return new LogLinesAssert(actual);
  }

  /** Reads (and closes) a non-following log stream, then asserts on its lines. */
  public static LogLinesAssert assertThatLogs(Stream<LogLine> lines) {
    try (lines) {
      return new LogLinesAssert(lines.collect(Collectors.toList()));
    }
  }
}
