package dev.berth.runtime.apple;

import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code container} executable with an argument list (never a shell), a timeout, and its output
 * captured in temporary files: a child whose output is redirected to files can never block on a full pipe,
 * and no thread has to drain it. A follow ({@link #startStreaming}) gets its stdout as a pipe instead.
 */
class Cli {
  private static final Logger log = LoggerFactory.getLogger(Cli.class);
  private static final File NULL_FILE = new File("/dev/null");

  /**
   * What one call printed and how it ended.
   *
   * @param args the arguments after the executable, for messages
   * @param exitCode the exit status
   * @param stdout what it printed on stdout
   * @param stderr what it printed on stderr
   */
  record Result(List<String> args, int exitCode, String stdout, String stderr) {
    Result {
      args = List.copyOf(args);
    }

    boolean ok() {
      return exitCode == 0;
    }

    /** {@code container stop -t 5 b-x}, values of {@code -e} masked. */
    String command() {
      return Cli.describe(args);
    }
  }

  private final Path executable;
  private final Duration timeout;

  Cli(Path executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  /** The limit of a call that is given none. */
  Duration defaultTimeout() {
    return timeout;
  }

  /** The executable this runs, for messages. */
  Path executable() {
    return executable;
  }

  /** Runs {@code container <args>} with the default timeout. */
  Result run(List<String> args) {
    return run(args, timeout);
  }

  /**
   * Runs {@code container <args>}, waiting at most {@code limit}.
   *
   * @throws RuntimeUnavailableException when the executable cannot be started
   * @throws RuntimeOperationException when it does not end within {@code limit}, or the calling thread is
   *     interrupted (the interrupt flag stays set; the child is killed)
   */
  Result run(List<String> args, Duration limit) {
    List<String> argv = argv(args);
    Path out = null;
    Path err = null;
    Process process = null;
    try {
      out = Files.createTempFile("berth-apple-", ".out");
      err = Files.createTempFile("berth-apple-", ".err");
      log.debug("Running {}", describe(args));
      process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(NULL_FILE))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new RuntimeOperationException("`" + describe(args) + "` did not finish within " + limit
            + "; the container service may be hung. Check `container system status` (apple.command-timeout "
            + "sets the limit).");
      }
      return new Result(args, process.exitValue(), read(out), read(err));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      throw new RuntimeOperationException("Interrupted while waiting for `" + describe(args) + "`", e);
    } catch (IOException e) {
      if (process == null && out != null && err != null) {
        throw unavailable(e);
      }
      throw new RuntimeOperationException("Running `" + describe(args) + "` failed: " + e.getMessage(), e);
    } finally {
      delete(out);
      delete(err);
    }
  }

  /**
   * Starts {@code container <args>} with stdout as a pipe for the caller to read (and stderr discarded),
   * for a follow; the caller destroys it.
   */
  Process startStreaming(List<String> args) {
    log.debug("Streaming {}", describe(args));
    try {
      return new ProcessBuilder(argv(args)).redirectInput(ProcessBuilder.Redirect.from(NULL_FILE))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  private List<String> argv(List<String> args) {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(executable.toString());
    argv.addAll(args);
    return argv;
  }

  private RuntimeUnavailableException unavailable(IOException e) {
    return new RuntimeUnavailableException("Apple's container CLI cannot be run at " + executable + " ("
        + e.getMessage() + "). Install it from https://github.com/apple/container/releases (macOS 26 or later) "
        + "or set apple.path to its location.", e);
  }

  /** Ends a child for good: SIGTERM, then SIGKILL when it lingers. */
  static void kill(Process process) {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The command as a human reads it; the values of {@code -e NAME=VALUE} may be secrets, so they are masked. */
  static String describe(List<String> args) {
    StringBuilder text = new StringBuilder("container");
    boolean envValue = false;
    for (String arg : args) {
      text.append(' ');
      if (envValue && arg.indexOf('=') > 0) {
        text.append(arg, 0, arg.indexOf('=') + 1).append("***");
      } else {
        text.append(arg.length() > 120 ? arg.substring(0, 117) + "..." : arg);
      }
      envValue = arg.equals("-e") || arg.equals("--env");
    }
    return text.toString().replace('\n', ' ');
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.debug("Could not delete {}: {}", file, e.toString());
      }
    }
  }
}
