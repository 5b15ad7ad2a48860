package dev.berth.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Runs a command inside a running bot (its container, or its workspace and environment). */
public interface ExecManager extends Feature {
  /**
   * Runs {@code command} (argv) in the bot and captures its output.
   *
   * @throws BotNotFoundException when the bot is unknown
   * @throws RuntimeOperationException when the bot is not running or the command cannot start
   */
  ExecResult exec(String botId, List<String> command, Duration timeout);

  /**
   * The outcome of an exec.
   *
   * @param exitCode the command's exit code (-1 when it was killed at the timeout)
   * @param stdout what it wrote to stdout
   * @param stderr what it wrote to stderr
   */
  record ExecResult(int exitCode, String stdout, String stderr) {
    public ExecResult {
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
    }
  }
}
