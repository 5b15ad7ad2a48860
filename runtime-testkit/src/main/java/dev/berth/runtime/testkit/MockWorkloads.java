package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;

/**
 * {@link Workloads} for {@link MockRuntime} and {@link MockBacktestRunner}: each behaviour is encoded in
 * {@code mock.*} spec options that the mock executes instantly (print lines, exit, ignore SIGTERM). Useful
 * in service tests too, to make a mock bot crash-loop or print a given number of lines:
 *
 * <pre>{@code
 * BotSpec spec = BotSpec.builder("bot-1").image("mock").command("run")
 *     .option(MockWorkloads.BEHAVIOUR, "exit").option(MockWorkloads.EXIT_CODE, "3")
 *     .restartPolicy(RestartPolicy.onFailure(2)).build();
 * }</pre>
 *
 * <p>Behaviours ({@value #BEHAVIOUR}): {@code sleep} (the default for bots: runs until stopped),
 * {@code print-lines}, {@code print-numbers} (prints {@code 1..n} from {@value #LINES} instead of
 * {@code line-i}), {@code exit}, {@code echo-env}, {@code ignore-sigterm}, {@code announce-sigterm} ({@code up}, and {@code term} when stopped with a grace), {@code exceed-memory} (OOM-killed,
 * exit 137, when the runtime's capabilities enforce memory limits and the bot has one; else exits 0),
 * {@code missing-program} (its command's program does not exist: {@code start} fails naming it), and for
 * backtests
 * {@code write-result} (the default), {@code fail}, {@code run-forever}. {@value #LINES} and
 * {@value #STDERR_LINES} print {@code line-1..n} and {@code err-1..n} first with any behaviour.
 */
public final class MockWorkloads implements Workloads {
  /** Option naming the behaviour. */
  public static final String BEHAVIOUR = "mock.behaviour";
  /** Option: number of {@code line-i} stdout lines printed at start. */
  public static final String LINES = "mock.lines";
  /** Option: number of {@code err-i} stderr lines printed at start. */
  public static final String STDERR_LINES = "mock.stderr-lines";
  /** Option: exit code; with {@code sleep}/{@code print-lines} the workload exits right after printing. */
  public static final String EXIT_CODE = "mock.exit-code";
  /** Option: the env var {@code echo-env} prints. */
  public static final String ENV_NAME = "mock.env-name";
  /** Option: the result JSON {@code write-result} writes. */
  public static final String RESULT = "mock.result";
  /**
   * Option: ISO-8601 run time (e.g. {@code PT0.5S}) before a backtest ends, or before a bot with an exit code
   * exits on its own; default instant. It passes on the engine's clock: in real time, unless something moves
   * the clock ({@link MockEngine#advance}).
   */
  public static final String DURATION = "mock.duration";

  private static BotSpec.Builder bot(String id, String behaviour) {
    return BotSpec.builder(id).image("mock").command("mock-workload", behaviour).option(BEHAVIOUR, behaviour);
  }

  private static BacktestSpec.Builder backtest(String id, String behaviour) {
    return BacktestSpec.builder(id).image("mock").command("mock-workload", behaviour).option(BEHAVIOUR, behaviour);
  }

  @Override
  public BotSpec.Builder printLinesThenSleep(String id, int n) {
    return bot(id, "print-lines").option(LINES, Integer.toString(n)).option(STDERR_LINES, "1");
  }

  @Override
  public BotSpec.Builder printLinesThenExit(String id, int n, int exitCode) {
    return bot(id, "print-lines").option(LINES, Integer.toString(n)).option(EXIT_CODE, Integer.toString(exitCode));
  }

  @Override
  public BotSpec.Builder printNumberedLines(String id, int n) {
    return bot(id, "print-numbers").option(LINES, Integer.toString(n)).option(EXIT_CODE, "0");
  }

  @Override
  public BotSpec.Builder runMissingProgram(String id, String program) {
    return bot(id, "missing-program").command(program);
  }

  @Override
  public BotSpec.Builder exitWith(String id, int exitCode) {
    return bot(id, "exit").option(EXIT_CODE, Integer.toString(exitCode));
  }

  @Override
  public BotSpec.Builder echoEnvAndConfig(String id, String envName) {
    return bot(id, "echo-env").option(ENV_NAME, envName);
  }

  @Override
  public BotSpec.Builder ignoreSigterm(String id) {
    return bot(id, "ignore-sigterm");
  }

  @Override
  public BotSpec.Builder sleepForever(String id) {
    return bot(id, "sleep");
  }

  @Override
  public BotSpec.Builder announceSigterm(String id) {
    return bot(id, "announce-sigterm");
  }

  @Override
  public BotSpec.Builder exceedMemory(String id, long limitBytes) {
    return bot(id, "exceed-memory");
  }

  @Override
  public BotSpec.Builder runBrieflyThenExit(String id, int exitCode) {
    return bot(id, "exit").option(EXIT_CODE, Integer.toString(exitCode)).option(DURATION, "PT0.5S");
  }

  @Override
  public BacktestSpec.Builder writeResult(String id, String resultJson) {
    return backtest(id, "write-result").option(RESULT, resultJson);
  }

  @Override
  public BacktestSpec.Builder failWith(String id, int exitCode) {
    return backtest(id, "fail").option(EXIT_CODE, Integer.toString(exitCode));
  }

  @Override
  public BacktestSpec.Builder runForever(String id) {
    return backtest(id, "run-forever");
  }
}
