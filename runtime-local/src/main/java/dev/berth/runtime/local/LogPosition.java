package dev.berth.runtime.local;

import dev.berth.runtime.LogStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code logs/position}: how far the raw output of the current run has been copied into {@code output.log},
 * which file and size that copy ended at, and how many lines the log has received in all (rotated away or
 * not), so a follower can tell exactly how many lines rotation took before it read them. Written atomically
 * after every append (see {@link LogPump}).
 */
final class LogPosition {
  static final String FILE = "position";

  String run = "";
  long stdout;
  long stderr;
  long stdoutPunched;
  long stderrPunched;
  String logKey = "";
  long logSize;
  /** Lines appended to the log since it was created, including those rotated away. */
  long lines;
  /** Whether the file recorded {@link #lines} (a missing file means an empty log, so it counts as known). */
  boolean linesKnown = true;
  /** Counts the times the log was emptied for a recreated bot; a follower of an earlier epoch ends. */
  long epoch;
  /** {@link #lines} when the current epoch began. */
  long epochLines;

  static LogPosition read(Path logsDir) throws IOException {
    LogPosition position = new LogPosition();
    Optional<Properties> file;
    try {
      file = AtomicFiles.readProperties(logsDir.resolve(FILE));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    file.ifPresent(p -> {
      position.run = p.getProperty("run", "");
      position.stdout = number(p, "stdout");
      position.stderr = number(p, "stderr");
      position.stdoutPunched = number(p, "stdout.punched");
      position.stderrPunched = number(p, "stderr.punched");
      position.logKey = p.getProperty("log.key", "");
      position.logSize = number(p, "log.size");
      position.lines = number(p, "log.lines");
      position.linesKnown = p.containsKey("log.lines");
      position.epoch = number(p, "log.epoch");
      position.epochLines = number(p, "log.epoch-lines");
    });
    return position;
  }

  void write(Path logsDir) throws IOException {
    Properties p = new Properties();
    p.setProperty("run", run);
    p.setProperty("stdout", Long.toString(stdout));
    p.setProperty("stderr", Long.toString(stderr));
    p.setProperty("stdout.punched", Long.toString(stdoutPunched));
    p.setProperty("stderr.punched", Long.toString(stderrPunched));
    p.setProperty("log.key", logKey);
    p.setProperty("log.size", Long.toString(logSize));
    if (linesKnown) {
      p.setProperty("log.lines", Long.toString(lines));
    }
    p.setProperty("log.epoch", Long.toString(epoch));
    p.setProperty("log.epoch-lines", Long.toString(epochLines));
    AtomicFiles.writeProperties(logsDir.resolve(FILE), p);
  }

  /**
   * Cuts off what an append that was never recorded left in {@code current}: lines past the recorded size of
   * the recorded file, or everything in a newer file (one a rotation started after the last record).
   */
  void recover(Path current) throws IOException {
    String key = fileKey(current);
    if (key == null) {
      return;
    }
    long keep = key.equals(logKey) ? logSize : 0;
    try (FileChannel channel = FileChannel.open(current, StandardOpenOption.WRITE)) {
      if (channel.size() > keep) {
        channel.truncate(keep);
      }
    } catch (NoSuchFileException e) {
      // rotated away meanwhile: nothing to cut
    }
  }

  /** Starts counting from zero when the run directory belongs to a new run. */
  void startRun(String runId) {
    if (!runId.equals(run)) {
      run = runId;
      stdout = 0;
      stderr = 0;
      stdoutPunched = 0;
      stderrPunched = 0;
    }
  }

  void consumed(LogStream stream, long end) {
    if (stream == LogStream.STDOUT) {
      stdout = end;
    } else {
      stderr = end;
    }
  }

  void logged(Path current, long size) {
    String key = fileKey(current);
    logKey = key == null ? "" : key;
    logSize = size;
  }

  private static String fileKey(Path file) {
    try {
      Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      return key == null ? null : key.toString();
    } catch (IOException e) {
      return null;
    }
  }

  private static long number(Properties p, String key) {
    try {
      return Long.parseLong(p.getProperty(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
