package dev.berth.runtime.local;

import dev.berth.runtime.core.internal.AtomicWrite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The directory of one bot or backtest:
 *
 * <pre>
 * &lt;state-dir&gt;/&lt;scope&gt;/bots/&lt;id&gt;/
 *   state.properties   the record: spec, state, pid + start time, exit code (written atomically)
 *   .lock              lock file (see WorkloadLock)
 *   workspace/         the working directory: code bundle, config.json
 *   run/               one run: id, stdout, stderr (written by the process itself), exit
 *   logs/              output.log and its rotations output.log.1 .. output.log.N, one timestamped line each;
 *                      position (how far the run's output has been copied)
 * </pre>
 */
final class WorkloadDir {
  private final Path root;

  WorkloadDir(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  String id() {
    return root.getFileName().toString();
  }

  Path stateFile() {
    return root.resolve("state.properties");
  }

  Path workspace() {
    return root.resolve("workspace");
  }

  Path runDir() {
    return root.resolve("run");
  }

  Path logsDir() {
    return root.resolve("logs");
  }

  Path stdoutRaw() {
    return runDir().resolve("stdout");
  }

  Path stderrRaw() {
    return runDir().resolve("stderr");
  }

  Path exitFile() {
    return runDir().resolve("exit");
  }

  boolean exists() {
    return Files.isRegularFile(stateFile());
  }

  /** Starts a fresh run directory; the caller has drained the previous one. */
  void prepareRun() throws IOException {
    AtomicFiles.deleteTree(runDir());
    Files.createDirectories(runDir());
    Files.createDirectories(logsDir());
    Files.createFile(stdoutRaw());
    Files.createFile(stderrRaw());
    // Written last: a run directory without an id is not ready and is not drained.
    AtomicWrite.writeString(runDir().resolve("id"), java.util.UUID.randomUUID().toString());
  }

  /** The id of the current run, unique across runs (inode numbers are reused, so they cannot serve). */
  Optional<String> runId() {
    try {
      return Optional.of(Files.readString(runDir().resolve("id"), StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The exit code the wrapper recorded, or empty when it has not (yet) written one. The wrapper writes the
   * number with a single {@code write}, so a reader sees nothing or all of it.
   */
  OptionalInt exitCode() {
    try {
      String text = Files.readString(exitFile(), StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(text));
    } catch (NoSuchFileException e) {
      return OptionalInt.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** When the exit code was written: the moment the workload ended. */
  Optional<Instant> exitTime() {
    try {
      return Optional.of(Files.getLastModifiedTime(exitFile()).toInstant());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
