package dev.berth.runtime.local;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.testkit.Workloads;

/**
 * The conformance kits' behaviours as fixed {@code sh} scripts on this host. Numbers and texts reach the
 * scripts as positional parameters ({@code $1}, {@code $2}), never interpolated into the script text.
 * Waiting is done with {@code sleep 1000 & wait}, so a trapped SIGTERM ends the wait at once.
 */
final class LocalWorkloads implements Workloads {
  private static final String WAIT_FOREVER = "while :; do sleep 1000 & wait $!; done";

  private static String[] sh(String script, Object... args) {
    String[] argv = new String[4 + args.length];
    argv[0] = "sh";
    argv[1] = "-c";
    argv[2] = script;
    argv[3] = "workload";
    for (int i = 0; i < args.length; i++) {
      argv[4 + i] = String.valueOf(args[i]);
    }
    return argv;
  }

  @Override
  public BotSpec.Builder printLinesThenSleep(String id, int n) {
    return BotSpec.builder(id).command(sh("trap 'exit 0' TERM; i=1; while [ \"$i\" -le \"$1\" ]; do "
        + "echo \"line-$i\"; i=$((i+1)); done; echo err-1 >&2; " + WAIT_FOREVER, n));
  }

  @Override
  public BotSpec.Builder printLinesThenExit(String id, int n, int exitCode) {
    return BotSpec.builder(id).command(sh("i=1; while [ \"$i\" -le \"$1\" ]; do echo \"line-$i\"; "
        + "i=$((i+1)); done; exit \"$2\"", n, exitCode));
  }

  @Override
  public BotSpec.Builder printNumberedLines(String id, int n) {
    return BotSpec.builder(id).command(sh("i=1; while [ \"$i\" -le \"$1\" ]; do echo \"$i\"; i=$((i+1)); done", n));
  }

  @Override
  public BotSpec.Builder runMissingProgram(String id, String program) {
    return BotSpec.builder(id).command(program);
  }

  @Override
  public BotSpec.Builder exitWith(String id, int exitCode) {
    return BotSpec.builder(id).command(sh("exit \"$1\"", exitCode));
  }

  @Override
  public BotSpec.Builder echoEnvAndConfig(String id, String envName) {
    return BotSpec.builder(id).command(sh("trap 'exit 0' TERM; echo \"env=$(printenv \"$1\")\"; "
        + "echo \"config=$(cat config.json)\"; echo \"bot-id=$BOT_ID\"; " + WAIT_FOREVER, envName));
  }

  @Override
  public BotSpec.Builder ignoreSigterm(String id) {
    return BotSpec.builder(id).command(sh("trap '' TERM; echo ready; " + WAIT_FOREVER));
  }

  /** Prints the argv and environment its process got, hex-encoded, then waits for SIGTERM. */
  static final String REPORT_ARGV_AND_ENVIRONMENT = "trap 'exit 0' TERM; "
      + "od -An -v -tx1 /proc/$$/cmdline | while read -r l; do echo \"argv $l\"; done; "
      + "od -An -v -tx1 /proc/$$/environ | while read -r l; do echo \"environ $l\"; done; echo end; "
      + "while :; do sleep 1000 & wait $!; done";

  @Override
  public java.util.Optional<BotSpec.Builder> reportArgvAndEnvironment(String id) {
    return java.util.Optional.of(BotSpec.builder(id).command(sh(REPORT_ARGV_AND_ENVIRONMENT)));
  }

  @Override
  public BotSpec.Builder sleepForever(String id) {
    return BotSpec.builder(id).command(sh("trap 'exit 0' TERM; " + WAIT_FOREVER));
  }

  @Override
  public BotSpec.Builder announceSigterm(String id) {
    return BotSpec.builder(id).command(sh("trap 'echo term; exit 0' TERM; echo up; " + WAIT_FOREVER));
  }

  @Override
  public BotSpec.Builder exceedMemory(String id, long limitBytes) {
    return BotSpec.builder(id).command(sh("head -c \"$1\" /dev/zero | tail", 8 * limitBytes));
  }

  @Override
  public BotSpec.Builder runBrieflyThenExit(String id, int exitCode) {
    return BotSpec.builder(id).command(sh("sleep 1; exit \"$1\"", exitCode));
  }

  @Override
  public BacktestSpec.Builder writeResult(String id, String resultJson) {
    return BacktestSpec.builder(id).command(sh("printf '%s' \"$1\" > result.json; echo done", resultJson));
  }

  @Override
  public BacktestSpec.Builder failWith(String id, int exitCode) {
    return BacktestSpec.builder(id).command(sh("echo failing >&2; exit \"$1\"", exitCode));
  }

  @Override
  public BacktestSpec.Builder runForever(String id) {
    return BacktestSpec.builder(id).command(sh("trap 'exit 0' TERM; echo started; " + WAIT_FOREVER));
  }
}
