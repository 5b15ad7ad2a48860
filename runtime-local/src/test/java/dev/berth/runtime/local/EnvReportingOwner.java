package dev.berth.runtime.local;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.LogLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The JVM that {@link LocalSecureDefaultsTest} starts with secrets in its environment: it runs a bot, an exec in a
 * running bot and a backtest, each printing its environment, and reports what they printed on its stdout,
 * prefixed {@code BOT }, {@code EXEC } and {@code BACKTEST }. It leaves its bots for the test to inspect.
 *
 * <p>Arguments: state directory, scope.
 */
public final class EnvReportingOwner {
  static final String PASSED_NAME = "PASSED_API_TOKEN";
  static final String PASSED_VALUE = "passed-on-purpose";

  private EnvReportingOwner() {}

  public static void main(String[] args) {
    Path stateDir = Path.of(args[0]);
    String scope = args[1];
    try (LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope(scope).build()) {
      runtime.create(LocalTestSupport.shBot("env-bot", "env").env(PASSED_NAME, PASSED_VALUE).build());
      runtime.start("env-bot");
      LocalTestSupport.awaitState(runtime, "env-bot", BotState.STOPPED, BotState.FAILED);
      LocalTestSupport.texts(runtime, "env-bot").forEach(line -> System.out.println("BOT " + line));

      runtime.create(LocalTestSupport.shBot("exec-bot", CrashingOwner.SLEEP).build());
      runtime.start("exec-bot");
      ExecManager.ExecResult exec = runtime.feature(ExecManager.class).orElseThrow()
          .exec("exec-bot", List.of("env"), Duration.ofSeconds(20));
      exec.stdout().lines().forEach(line -> System.out.println("EXEC " + line));
      runtime.stop("exec-bot", Duration.ofSeconds(5));
    }
    try (BacktestRunner runner = LocalBacktestRunner.builder().stateDir(stateDir).scope(scope).build()) {
      BacktestResult result = runner.run(BacktestSpec.builder("env-backtest").command("sh", "-c", "env")
          .keep(true).build());
      result.logTail().stream().map(LogLine::text).forEach(line -> System.out.println("BACKTEST " + line));
    }
    System.out.println("DONE");
  }
}
