package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.BerthAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BerthAssertionsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private final BotStatus failed = BotStatus.builder("bot-1", BotState.FAILED).exitCode(3).restartCount(2)
      .message("exited with code 3").labels(Map.of("team", "quant")).build();

  @Test
  void botStatusAssertionsPassAndFailWithTheBotsStory() {
    assertThat(failed).hasFailed().hasExitCode(3).hasRestartCount(2).hasLabel("team", "quant")
        .hasMessageContaining("code 3");
    assertThatThrownBy(() -> assertThat(failed).isRunning()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected bot 'bot-1' (FAILED, exit code 3, 2 restarts, message \"exited with code 3\")"
            + " to be RUNNING");
    assertThatThrownBy(() -> assertThat(failed).hasLabel("team", "ops")).hasMessageContaining("{team=quant}");
    assertThatThrownBy(() -> assertThat(failed).hasRestartCount(0)).hasMessageContaining("restarted 2 times");
    assertThatThrownBy(() -> assertThat(failed).wasOomKilled()).hasMessageContaining("OOM");
    assertThatThrownBy(() -> assertThat(failed).hasNoExitCode()).hasMessageContaining("no exit code");
  }

  @Test
  void backtestResultAssertions() {
    BacktestResult result = BacktestResult.builder("bt-1", BacktestState.FAILED).exitCode(2)
        .logTail(List.of(LogLine.stderr(T, "boom"))).message("exited with code 2").build();
    assertThat(result).failed().hasExitCode(2).hasNoResultJson().hasLogTailContaining("boom");
    assertThatThrownBy(() -> assertThat(result).succeeded()).hasMessageContaining("backtest 'bt-1' (FAILED")
        .hasMessageContaining("[boom]");
    assertThatThrownBy(() -> assertThat(result).hasResultJsonContaining("pnl")).hasMessageContaining("absent");
    BacktestResult ok = BacktestResult.builder("bt-2", BacktestState.SUCCEEDED).resultJson("{ \"pnl\": 1 }").build();
    assertThat(ok).succeeded().hasResultJson("{\"pnl\":1}");
    assertThatThrownBy(() -> assertThat(ok).hasResultJson("{}")).hasMessageContaining("{ \"pnl\": 1 }");
  }

  @Test
  void logLineAssertionsWorkAlongsideAssertJsOwnListAssertions() {
    List<LogLine> lines = List.of(LogLine.stdout(T, "a"), LogLine.stderr(T, "warn"), LogLine.stdout(T, "b"));
    assertThat(lines).containsTexts("b", "a").containsTextsInOrder("a", "b").hasLineCount(3)
        .doesNotContainText("error");
    assertThat(lines).onStream(LogStream.STDOUT).containsExactlyTexts("a", "b");
    assertThat(lines).texts().startsWith("a");
    assertThat(List.of("plain", "strings")).hasSize(2);
    assertThatThrownBy(() -> assertThat(lines).containsTexts("c")).hasMessageContaining("[c]")
        .hasMessageContaining("STDERR warn");
    assertThatThrownBy(() -> assertThat(lines).containsTextsInOrder("b", "a")).hasMessageContaining("'a' did not");
  }

  @Test
  void mockRuntimeAssertionsListTheRecordedCalls() {
    MockRuntime mock = new MockRuntime();
    mock.create(BotSpec.builder("bot-1").image("registry/momentum:7").command("run").build());
    mock.start("bot-1");
    assertThat(mock).receivedCreate("bot-1").receivedStart("bot-1").receivedNoCallsTo(MockRuntime.Call.DELETE)
        .hasBot("bot-1");
    assertThatThrownBy(() -> assertThat(mock).receivedStop("bot-1")).hasMessageContaining("stop(\"bot-1\")")
        .hasMessageContaining("create(bot spec 'bot-1') -> ok").hasMessageContaining("start(\"bot-1\") -> ok");
    assertThatThrownBy(() -> assertThat(mock).hasNoRunningBots()).hasMessageContaining("[bot-1]");
    assertThatThrownBy(() -> assertThat(mock).receivedCalls(MockRuntime.Call.START, 2))
        .hasMessageContaining("Expected 2 calls");
  }
}
