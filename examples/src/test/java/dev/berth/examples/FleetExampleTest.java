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

/** Runs the fleet example end to end, as a user would, and checks what each pass reports. */
class FleetExampleTest {
  @Test
  void theReconcilerKeepsTheFleetAsTheFileSays() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    new FleetExample(out).run();
    String output = buffer.toString(StandardCharsets.UTF_8);
    System.out.print(output);

    assertThat(output).containsPattern("pass \\(interval\\): 3 desired, 0 observed: created 3 \\[breakout-sol, "
        + "meanrev-eth, momentum-btc\\]");
    assertThat(output).containsPattern("pass \\(demand\\): 3 desired, 3 observed: nothing to do");
    assertThat(output).containsPattern("pass \\(demand\\): 3 desired, 3 observed: recreated 1 \\[meanrev-eth\\] ");
    assertThat(output).containsPattern("pass \\((event|interval)\\): 3 desired, 3 observed: restarted 1 "
        + "\\[breakout-sol\\]");
    assertThat(output).contains("stopped: the desired state could not be read");
    assertThat(output).containsPattern("pass \\(demand\\): 2 desired, 3 observed: deleted 1 \\[momentum-btc\\]");
    assertThat(output).containsPattern("meanrev-eth\\s+RUNNING\\s+pid:\\d+\\s+[0-9a-f]{16}\\s+tick \\d+ ETH-USD");
    Matcher cleaned = Pattern.compile("Cleaned up (\\S+)\\.").matcher(output);
    assertThat(cleaned.find()).as("the example names the directory it removed").isTrue();
    assertThat(Files.exists(Path.of(cleaned.group(1)))).as("temporary directory left behind").isFalse();
  }
}
