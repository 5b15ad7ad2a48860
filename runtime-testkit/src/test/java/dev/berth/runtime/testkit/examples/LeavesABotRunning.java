package dev.berth.runtime.testkit.examples;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.testkit.BerthMock;
import dev.berth.runtime.testkit.MockRuntime;
import dev.berth.runtime.testkit.SelfTestOnly;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Forgets to stop its bot; run only through the launcher by BerthMockExtensionTest (surefire skips it). */
@ExtendWith(SelfTestOnly.class)
public class LeavesABotRunning {
  @BerthMock(verifyNothingRunning = true)
  MockRuntime runtime;

  @Test
  void forgetsToStop() {
    runtime.create(BotSpec.builder("forgotten").image("registry/momentum:7").command("run").build());
    runtime.start("forgotten");
  }

  @Test
  void cleansUp() {
    runtime.create(BotSpec.builder("tidy").image("registry/momentum:7").command("run").build());
    runtime.start("tidy");
    runtime.delete("tidy");
  }
}
