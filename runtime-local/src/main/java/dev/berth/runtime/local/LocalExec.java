package dev.berth.runtime.local;

import dev.berth.runtime.BotState;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.LaunchPlan;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link ExecManager} for host processes: runs the command in the bot's workspace with the bot's
 * environment (base + spec env + {@code BOT_ID}/{@code BOT_CONFIG}), like {@code docker exec}. Output goes
 * to temporary files (no pipe, no pump thread), read back after exit and capped at
 * {@value #MAX_OUTPUT_BYTES} bytes per stream. At the timeout the command's whole process tree is killed
 * and the exit code is -1.
 */
final class LocalExec implements ExecManager {
  static final int MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

  private final BotSupervisor supervisor;

  LocalExec(BotSupervisor supervisor) {
    this.supervisor = supervisor;
  }

  @Override
  public ExecResult exec(String botId, List<String> command, Duration timeout) {
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new InvalidSpecException("exec", List.of("command: is empty; give the program and its arguments"));
    }
    TrackedBot bot = supervisor.require(botId);
    BotRecord record = supervisor.load(bot);
    if (record.state != BotState.RUNNING || !bot.isAlive(record)) {
      throw new RuntimeOperationException("Cannot exec in bot '" + botId + "': it is not running (state "
          + record.state + "). Start it first.");
    }
    LaunchPlan plan = supervisor.launcher.plan(record.spec, bot.dir);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile(bot.dir.root(), ".exec-", ".out");
      err = Files.createTempFile(bot.dir.root(), ".exec-", ".err");
      List<String> argv = new ArrayList<>();
      Optional<Path> setsid = Wrapper.setsid();
      setsid.ifPresent(path -> argv.add(path.toString()));
      argv.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(argv)
          .directory(bot.dir.workspace().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().clear();
      builder.environment().putAll(Launcher.environment(plan));
      Process process = builder.start();
      int exitCode;
      if (process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
        exitCode = process.exitValue();
      } else {
        ProcessControl.killAll(ProcessControl.refOf(process, null, setsid.isPresent()));
        process.waitFor(10, TimeUnit.SECONDS);
        exitCode = -1;
      }
      return new ExecResult(exitCode, read(out), read(err));
    } catch (IOException e) {
      throw new RuntimeOperationException("Exec of " + command + " in bot '" + botId + "' failed: "
          + e.getMessage() + ". Check the command and the bot's PATH.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while exec of " + command + " in bot '" + botId
          + "' was running", e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temp file in the bot's directory; removed with the bot at the latest
      }
    }
  }
}
