package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.testkit.Workloads;

/**
 * The kit's behaviours as busybox {@code sh -c} scripts. Fixed scripts only: values (counts, env var
 * names, the result JSON) reach them as positional arguments ({@code sh -c script sh value...}), never by
 * interpolation. "Runs until SIGTERM" traps TERM before it prints and waits with {@code sleep & wait},
 * which a trapped signal interrupts at once.
 */
final class KubernetesWorkloads implements Workloads {
  private static final String UNTIL_TERM = "trap 'exit 0' TERM; ";
  private static final String WAIT = "while true; do sleep 1000 & wait $!; done";

  private final String image;

  KubernetesWorkloads(String image) {
    this.image = image;
  }

  private BotSpec.Builder bot(String id, String script, String... args) {
    return BotSpec.builder(id).image(image).command(argv(script, args));
  }

  private BacktestSpec.Builder backtest(String id, String script, String... args) {
    return BacktestSpec.builder(id).image(image).command(argv(script, args));
  }

  private static String[] argv(String script, String... args) {
    String[] argv = new String[4 + args.length];
    argv[0] = "sh";
    argv[1] = "-c";
    argv[2] = script;
    argv[3] = "sh";
    System.arraycopy(args, 0, argv, 4, args.length);
    return argv;
  }

  @Override
  public BotSpec.Builder printLinesThenSleep(String id, int n) {
    return bot(id, UNTIL_TERM + "i=1; while [ $i -le $1 ]; do echo line-$i; i=$((i+1)); done; "
        + "echo err-1 >&2; " + WAIT, String.valueOf(n));
  }

  @Override
  public BotSpec.Builder printLinesThenExit(String id, int n, int exitCode) {
    return bot(id, "i=1; while [ $i -le $1 ]; do echo line-$i; i=$((i+1)); done; exit $2",
        String.valueOf(n), String.valueOf(exitCode));
  }

  @Override
  public BotSpec.Builder printNumberedLines(String id, int n) {
    // echo and [ are ash builtins: one write(2) per line, about 100,000 lines a second
    return bot(id, "i=1; while [ $i -le $1 ]; do echo $i; i=$((i+1)); done", String.valueOf(n));
  }

  @Override
  public BotSpec.Builder runMissingProgram(String id, String program) {
    return BotSpec.builder(id).image(image).command(program);
  }

  @Override
  public BotSpec.Builder exitWith(String id, int exitCode) {
    return bot(id, "exit $1", String.valueOf(exitCode));
  }

  @Override
  public BotSpec.Builder echoEnvAndConfig(String id, String envName) {
    // busybox has no printenv: pick the variable named by $1 out of env's output, without eval.
    return bot(id, UNTIL_TERM + "v=$(env | while IFS= read -r l; do case \"$l\" in \"$1=\"*) "
        + "printf '%s' \"${l#*=}\";; esac; done); echo \"env=$v\"; echo \"config=$(cat config.json)\"; "
        + "echo \"bot-id=$BOT_ID\"; " + WAIT, envName);
  }

  @Override
  public BotSpec.Builder ignoreSigterm(String id) {
    return bot(id, "trap '' TERM; echo ready; while true; do sleep 1; done");
  }

  @Override
  public BotSpec.Builder sleepForever(String id) {
    return bot(id, UNTIL_TERM + WAIT);
  }

  @Override
  public BotSpec.Builder announceSigterm(String id) {
    return bot(id, "trap 'echo term; exit 0' TERM; echo up; " + WAIT);
  }

  @Override
  public BotSpec.Builder exceedMemory(String id, long limitBytes) {
    // busybox tail keeps the one endless line in memory
    return bot(id, "head -c $1 /dev/zero | tail", String.valueOf(8 * limitBytes));
  }

  @Override
  public BotSpec.Builder runBrieflyThenExit(String id, int exitCode) {
    return bot(id, "sleep 1; exit $1", String.valueOf(exitCode));
  }

  @Override
  public BacktestSpec.Builder writeResult(String id, String resultJson) {
    return backtest(id, "printf '%s' \"$1\" > result.json; echo done", resultJson);
  }

  @Override
  public BacktestSpec.Builder failWith(String id, int exitCode) {
    return backtest(id, "echo failing >&2; exit $1", String.valueOf(exitCode));
  }

  @Override
  public BacktestSpec.Builder runForever(String id) {
    return backtest(id, UNTIL_TERM + "echo started; " + WAIT);
  }
}
