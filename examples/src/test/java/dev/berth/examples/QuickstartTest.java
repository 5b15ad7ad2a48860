package dev.berth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the quickstart end to end, as a user would, and checks what it reports and leaves behind. */
class QuickstartTest {
  @Test
  void theQuickstartRunsThreeBotsAndABacktestAndCleansUp() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    new Quickstart(out).run();
    String output = buffer.toString(StandardCharsets.UTF_8);
    System.out.print(output);

    assertThat(output).contains("[6/6", "Summary");
    for (String bot : new String[] {"momentum-btc", "meanrev-eth", "breakout-sol"}) {
      assertThat(output).containsPattern("bot\\s+" + bot + "\\s+STOPPED");
      assertThat(output).containsPattern(bot + "\\s+\\| tick \\d+ ");
    }
    assertThat(output).containsPattern("backtest\\s+bt-momentum-btc\\s+SUCCEEDED\\s+0\\s+\\d+\\s+\\{\"symbol\":\"BTC-USD\"");
    assertThat(output).contains("stored at:   test-results/quickstart/bt-momentum-btc/result.json");
    assertThat(output).contains("RUNNING");
    // Either outcome is right, depending on the host: the quickstart must say which one it found.
    Matcher limit = Pattern.compile("memory limit 256m per bot: (enforced|not enforced)").matcher(output);
    assertThat(limit.find()).as("the quickstart says whether the memory limit is enforced").isTrue();
    if (limit.group(1).equals("not enforced")) {
      assertThat(output).as("each bot's status explains it").contains("memory limit not enforced: ");
    } else {
      assertThat(output).doesNotContain("memory limit not enforced");
    }
    Matcher cleaned = Pattern.compile("Cleaned up (\\S+)\\.").matcher(output);
    assertThat(cleaned.find()).as("the quickstart names the directory it removed").isTrue();
    assertThat(Files.exists(Path.of(cleaned.group(1)))).as("temporary directory left behind").isFalse();
  }
}
