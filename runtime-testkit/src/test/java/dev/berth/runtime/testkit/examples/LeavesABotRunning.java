package dev.berth.runtime.testkit.examples;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.testkit.BerthMock;
import dev.berth.runtime.testkit.MockRuntime;
import org.junit.jupiter.api.Test;

/** Forgets to stop its bot; run only through the launcher by BerthMockExtensionTest (surefire skips it). */
public class LeavesABotRunning {
  @BerthMock(verifyNothingRunning = true)
  MockRuntime runtime;

  @Test
  void forgetsToStop() {
    runtime.create(BotSpec.builder("forgotten").command("run").build());
    runtime.start("forgotten");
  }

  @Test
  void cleansUp() {
    runtime.create(BotSpec.builder("tidy").command("run").build());
    runtime.start("tidy");
    runtime.delete("tidy");
  }
}
