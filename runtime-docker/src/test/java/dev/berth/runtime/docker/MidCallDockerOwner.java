package dev.berth.runtime.docker;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotUpdate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The JVM that {@link DockerOwnerKilledMidCallTest} kills with SIGKILL in the middle of a call; it prints a
 * marker once the call is under way:
 * <ul>
 *   <li>{@code update}: starts a bot that ignores SIGTERM, prints {@code UPDATING <container>} and changes its
 *       env: the replacement container is created, then the old one is stopped with a 60 s grace, and the test
 *       kills this JVM when Docker reports that SIGTERM;</li>
 *   <li>{@code backtest}: submits a backtest that runs for two seconds and writes a result, prints
 *       {@code RUNNING} once it runs.</li>
 * </ul>
 *
 * <p>Arguments: scope, action.
 */
public final class MidCallDockerOwner {
  static final String STUBBORN = "trap '' TERM; echo up; while :; do sleep 1; done";

  private MidCallDockerOwner() {}

  public static void main(String[] args) throws InterruptedException {
    String scope = args[0];
    if (args[1].equals("backtest")) {
      BacktestRunner runner = DockerBacktestRunner.builder().scope(scope).workDir(DockerTestSupport.workDir())
          .noObjectStore().build();
      runner.submit(BacktestSpec.builder("bt").image(DockerTestSupport.IMAGE).command("sh", "-c",
          "echo started; sleep 2; printf '{\"pnl\":7}' > result.json; echo done").build());
      while (runner.status("bt").state() == BacktestState.PENDING) {
        Thread.onSpinWait();
      }
      say("RUNNING");
    } else {
      DockerRuntime runtime = DockerTestSupport.runtime(scope).stopGrace(Duration.ofSeconds(60)).build();
      runtime.create(BotSpec.builder("bot").image(DockerTestSupport.IMAGE).command("sh", "-c", STUBBORN).build());
      runtime.start("bot");
      say("UPDATING " + runtime.status("bot").runtimeId());
      runtime.update("bot", BotUpdate.builder().env(Map.of("NEXT", "1")).build());
      say("UPDATED");
    }
    new CountDownLatch(1).await(); // until SIGKILL
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
