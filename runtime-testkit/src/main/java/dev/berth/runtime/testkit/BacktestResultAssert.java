package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.LogLine;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link BacktestResult}; start with {@link BerthAssertions#assertThat(BacktestResult)}. */
public final class BacktestResultAssert extends AbstractAssert<BacktestResultAssert, BacktestResult> {
  BacktestResultAssert(BacktestResult actual) {
    super(actual, BacktestResultAssert.class);
  }

  private String describe() {
    return "backtest '" + actual.id() + "' (" + actual.state()
        + actual.exitCode().stream().mapToObj(code -> ", exit code " + code).findFirst().orElse("")
        + (actual.message().isEmpty() ? "" : ", message \"" + actual.message() + "\"") + ")";
  }

  /** The backtest ended in {@code state}; the failure shows its last log lines. */
  public BacktestResultAssert hasState(BacktestState state) {
    isNotNull();
    if (actual.state() != state) {
      failWithMessage("Expected %s to have ended %s; its last log lines: %s", describe(), state, texts());
    }
    return this;
  }

  /** It ended SUCCEEDED. */
  public BacktestResultAssert succeeded() {
    return hasState(BacktestState.SUCCEEDED);
  }

  /** It ended FAILED (exited non-zero). */
  public BacktestResultAssert failed() {
    return hasState(BacktestState.FAILED);
  }

  /** It ended TIMED_OUT. */
  public BacktestResultAssert timedOut() {
    return hasState(BacktestState.TIMED_OUT);
  }

  /** It ended CANCELLED. */
  public BacktestResultAssert wasCancelled() {
    return hasState(BacktestState.CANCELLED);
  }

  /** It exited with {@code exitCode}. */
  public BacktestResultAssert hasExitCode(int exitCode) {
    isNotNull();
    if (actual.exitCode().isEmpty() || actual.exitCode().getAsInt() != exitCode) {
      failWithMessage("Expected %s to have exit code %s", describe(), exitCode);
    }
    return this;
  }

  /** The result JSON equals {@code json}, ignoring whitespace. */
  public BacktestResultAssert hasResultJson(String json) {
    isNotNull();
    String expected = json.replaceAll("\\s", "");
    if (!actual.resultJson().map(text -> text.replaceAll("\\s", "")).filter(expected::equals).isPresent()) {
      failWithMessage("Expected %s to have result JSON %s but it had %s", describe(), json,
          actual.resultJson().orElse("none"));
    }
    return this;
  }

  /** Its result JSON contains {@code text} verbatim. */
  public BacktestResultAssert hasResultJsonContaining(String text) {
    isNotNull();
    if (!actual.resultJson().filter(json -> json.contains(text)).isPresent()) {
      failWithMessage("Expected the result JSON of %s to contain \"%s\" but it was %s", describe(), text,
          actual.resultJson().orElse("absent"));
    }
    return this;
  }

  /** It wrote no result JSON. */
  public BacktestResultAssert hasNoResultJson() {
    isNotNull();
    if (actual.resultJson().isPresent()) {
      failWithMessage("Expected %s to have no result JSON but it had %s", describe(), actual.resultJson().get());
    }
    return this;
  }

  /**
   * Every one of {@code lines} is a whole line of the log tail (in any order).
   *
   * <pre>{@code
   * assertThat(result).hasLogTailLine("loaded 20000 ticks");
   * }</pre>
   */
  public BacktestResultAssert hasLogTailLine(String... lines) {
    isNotNull();
    List<String> missing = Arrays.stream(lines).filter(line -> !texts().contains(line)).collect(Collectors.toList());
    if (!missing.isEmpty()) {
      failWithMessage("Expected the log tail of %s to have the whole lines %s but it was %s", describe(), missing,
          texts());
    }
    return this;
  }

  /**
   * Every one of {@code texts} appears somewhere in a line of the log tail (a substring match).
   *
   * <pre>{@code
   * assertThat(result).hasLogTailContaining("20000 ticks");
   * }</pre>
   */
  public BacktestResultAssert hasLogTailContaining(String... texts) {
    isNotNull();
    List<String> missing = Arrays.stream(texts).filter(text -> texts().stream().noneMatch(line -> line.contains(text)))
        .collect(Collectors.toList());
    if (!missing.isEmpty()) {
      failWithMessage("Expected a line of the log tail of %s to contain each of %s but it was %s", describe(), missing,
          texts());
    }
    return this;
  }

  private List<String> texts() {
    return actual.logTail().stream().map(LogLine::text).collect(Collectors.toList());
  }
}
