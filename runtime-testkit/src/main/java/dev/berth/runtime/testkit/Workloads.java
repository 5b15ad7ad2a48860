package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;

/**
 * Turns the abstract behaviours the conformance kits need into specs that really run on one backend. The
 * kits never build a command themselves: a Docker backend answers with a busybox {@code sh -c} script, the
 * local backend with a host {@code sh} or {@code python3} script, {@link MockWorkloads} with {@code mock.*}
 * options that {@link MockRuntime} interprets.
 *
 * <p>The kit adds labels, env, config, restart policy and timeouts to the returned builders and builds
 * them, so return a builder with only what the behaviour needs (id, image, command, options). Fixed test
 * scripts may use {@code sh -c}; user data (env, config, id) reaches them only through the environment and
 * the config file, never by interpolation.
 *
 * <p>"Runs until SIGTERM" means: it installs its SIGTERM handler <em>before</em> it writes its first line,
 * and on SIGTERM it exits 0 within a fraction of a second (so {@code sh} must wait with
 * {@code sleep 1000 & wait}, not with a foreground {@code sleep}).
 *
 * <pre>{@code
 * final class DockerWorkloads implements Workloads {
 *   public BotSpec.Builder exitWith(String id, int exitCode) {
 *     // A fixed script; the exit code arrives as an argument, never spliced into the script text.
 *     return BotSpec.builder(id).image("local/busybox:1")
 *         .command("sh", "-c", "exit \"$1\"", "sh", Integer.toString(exitCode));
 *   }
 *   ...
 * }
 * }</pre>
 */
public interface Workloads {
  /**
   * Writes {@code line-1}..{@code line-<n>} to stdout and then {@code err-1} to stderr, then runs until
   * SIGTERM, on which it exits 0 promptly.
   */
  BotSpec.Builder printLinesThenSleep(String id, int n);

  /**
   * Writes {@code line-1}..{@code line-<n>} to stdout as fast as it can, then exits with {@code exitCode}.
   * No line may be lost.
   */
  BotSpec.Builder printLinesThenExit(String id, int n, int exitCode);

  /**
   * Writes {@code 1}..{@code n} to stdout, one number per line and nothing else, as fast as it can (one
   * write per line, as a shell loop does: the kit uses it to race followers against a fast writer), then
   * exits 0.
   */
  BotSpec.Builder printNumberedLines(String id, int n);

  /**
   * Runs {@code program} as its command: a name the kit made up, so no such program exists where the
   * workload runs (not on the host's PATH, not in the image). Only for bots; the backend must say which
   * program was not found, at {@code start} or in the FAILED status.
   */
  BotSpec.Builder runMissingProgram(String id, String program);

  /** Exits at once with {@code exitCode}, writing nothing. */
  BotSpec.Builder exitWith(String id, int exitCode);

  /**
   * Prints {@code env=<value of env var envName>}, {@code config=<content of config.json in its working
   * dir>} and {@code bot-id=<value of BOT_ID>} on stdout (one line each, in this order), then runs until
   * SIGTERM. The config file holds one line of JSON in the kit's tests.
   */
  BotSpec.Builder echoEnvAndConfig(String id, String envName);

  /**
   * Ignores SIGTERM and keeps running; only SIGKILL ends it. Prints {@code ready} on stdout once SIGTERM is
   * ignored, so the kit knows when stopping it is meaningful.
   */
  BotSpec.Builder ignoreSigterm(String id);

  /** Runs until SIGTERM, exits 0 promptly on it. Writes nothing. */
  BotSpec.Builder sleepForever(String id);

  /**
   * Writes {@code up} on stdout once its SIGTERM handler is installed, runs until SIGTERM, and on SIGTERM writes
   * {@code term} on stdout and exits 0 promptly: the kit sees that a stop reached the program as SIGTERM. The
   * default throws {@link UnsupportedOperationException}, and the kit's check that needs it aborts with the
   * reason.
   */
  default BotSpec.Builder announceSigterm(String id) {
    throw new UnsupportedOperationException("this Workloads does not implement announceSigterm(id)");
  }

  /**
   * Allocates far more memory than {@code limitBytes} (e.g. eight times as much) and exits 0 if it got it. The
   * kit gives the bot a memory limit of {@code limitBytes}; where that is enforced the kernel kills it (exit
   * 137). On busybox or a POSIX host: {@code head -c <8 x limitBytes> /dev/zero | tail} ({@code tail} keeps the
   * one endless line in memory).
   */
  BotSpec.Builder exceedMemory(String id, long limitBytes);

  /**
   * Runs for about a second, writing nothing, then exits with {@code exitCode} on its own: long enough that
   * a status read right after start sees it RUNNING, short enough for the kit to wait for the exit.
   */
  BotSpec.Builder runBrieflyThenExit(String id, int exitCode);

  /**
   * Prints the argv and the environment its process got from the kernel, then runs until SIGTERM like
   * {@link #sleepForever}: the bytes of {@code /proc/<pid>/cmdline} as hex on lines starting {@code argv }, those
   * of {@code /proc/<pid>/environ} on lines starting {@code environ } (the form {@code od -An -v -tx1} prints,
   * prefixed), then a line {@code end}. The kit appends arguments to the returned command and adds env and
   * labels, and checks the process saw exactly those. On a POSIX host or busybox:
   * <pre>{@code
   * sh -c 'trap "exit 0" TERM; od -An -v -tx1 /proc/$$/cmdline | while read -r l; do echo "argv $l"; done; ...'
   * }</pre>
   * Empty (the default) where the workload cannot read them; the spec-fuzzing test then checks only that
   * every spec is run or refused cleanly.
   */
  default java.util.Optional<BotSpec.Builder> reportArgvAndEnvironment(String id) {
    return java.util.Optional.empty();
  }

  /**
   * Backtest: writes {@code resultJson} to its result path ({@code result.json} in its working dir; the kit
   * never changes {@link BacktestSpec#resultPath()}), prints {@code done} on stdout, exits 0.
   */
  BacktestSpec.Builder writeResult(String id, String resultJson);

  /** Backtest: prints {@code failing} on stderr, exits with {@code exitCode}, writes no result. */
  BacktestSpec.Builder failWith(String id, int exitCode);

  /**
   * Backtest: runs until killed (for timeout and cancel tests). Prints {@code started} on stdout first, and
   * exits 0 on SIGTERM like {@link #sleepForever}.
   */
  BacktestSpec.Builder runForever(String id);
}
