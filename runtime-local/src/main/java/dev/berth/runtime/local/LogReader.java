package dev.berth.runtime.local;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Serves {@code logs()} from {@code output.log} and its rotations.
 *
 * <p>Following needs no thread: the returned stream's spliterator ({@link LogFollower}) drains new output and
 * reads on the caller's thread, pausing briefly when there is nothing new. It ends once the workload is no
 * longer running and everything it wrote has been read (the workload's output is flushed into the log before
 * its terminal state is recorded, so nothing is lost at the end), or within one pause after the stream or the
 * runtime is closed. Rotation never makes it skip lines silently: see {@link LogFollower}.
 */
final class LogReader {
  private LogReader() {}

  /** What the reader needs from the runtime. */
  interface Source {
    /** Whether the workload runs now; finalises it first when it has just exited. */
    boolean isRunning();

    /** Drains new output into the log and runs {@code read} on the logs directory, under the workload's lock. */
    <T> T drainAndRead(IoFunction<Path, T> read);

    /**
     * Like {@link #drainAndRead} for a follower that reads again soon: may copy only part of a long backlog
     * first, so the lock is held briefly and the follower keeps up with rotation.
     */
    default <T> T drainAndFollow(IoFunction<Path, T> read) {
      return drainAndRead(read);
    }

    /** Whether the runtime serving the logs was closed: every follow then ends at once. */
    default boolean isClosed() {
      return false;
    }

    /**
     * Once the workload has ended: the last lines of its log as they were when it ended, for a follower that
     * may find the files already removed; empty when the files stay (the follower then reads them).
     */
    default java.util.Optional<Kept> kept() {
      return java.util.Optional.empty();
    }
  }

  /**
   * The last lines of a log with their positions (file in {@code fileKeys}, byte offset after the line), so
   * a follower whose files were removed resumes exactly after the last line it delivered.
   */
  static final class Kept {
    static final Kept NONE = new Kept(List.of(), List.of());

    private record Line(LogLine line, int file, long end) {}

    private final List<Object> fileKeys;
    private final List<Line> lines;

    private Kept(List<Object> fileKeys, List<Line> lines) {
      this.fileKeys = fileKeys;
      this.lines = lines;
    }

    List<LogLine> lines() {
      return lines.stream().map(Line::line).toList();
    }

    /** The kept lines after the cursor; all of them if the cursor's file is not among the kept ones. */
    List<LogLine> after(Cursor cursor) {
      int file = cursor.fileKey() == null ? -1 : fileKeys.indexOf(cursor.fileKey());
      List<LogLine> after = new ArrayList<>();
      for (Line kept : lines) {
        if (file < 0 || kept.file() > file || (kept.file() == file && kept.end() > cursor.position())) {
          after.add(kept.line());
        }
      }
      return after;
    }
  }

  /** The last {@code max} lines of the log in {@code logs} with their positions; call under the logs lock. */
  static Kept keep(Path logs, int max) throws IOException {
    List<Object> keys = new ArrayList<>();
    ArrayDeque<Kept.Line> lines = new ArrayDeque<>();
    for (Path file : files(logs)) {
      int index = keys.size();
      java.util.Optional<FileRead> end = read(file, 0, (line, after) -> {
        lines.addLast(new Kept.Line(line, index, after));
        if (lines.size() > max) {
          lines.removeFirst();
        }
      });
      if (end.isPresent()) {
        keys.add(end.get().cursor().fileKey());
      }
    }
    return new Kept(java.util.Collections.unmodifiableList(keys), List.copyOf(lines));
  }

  /** Receives a parsed line and the byte offset just after it. */
  @FunctionalInterface
  interface Sink {
    void accept(LogLine line, long end);
  }

  /** A function that may fail with an {@link IOException}. */
  @FunctionalInterface
  interface IoFunction<A, T> {
    T apply(A argument) throws IOException;
  }

  static Stream<LogLine> open(Source source, LogOptions options) {
    boolean running = source.isRunning();
    if (!options.follow() || !running) {
      return source.drainAndRead(logs -> snapshot(logs, options)).lines().stream();
    }
    LogFollower follower = new LogFollower(source, options);
    // Taken and registered under the logs lock: no rotation can slip in between.
    source.drainAndRead(logs -> {
      follower.begin(logs, snapshot(logs, options));
      return null;
    });
    return StreamSupport.stream(follower, false).onClose(follower::close);
  }

  /** Position after the last line read: the file (by identity, it moves when rotated) and byte offset. */
  record Cursor(Object fileKey, long position) {}

  /**
   * The lines a reader starts with, the cursor after them, and the log's line count and epoch at that moment
   * (see {@link LogPosition}).
   */
  record Snapshot(List<LogLine> lines, Cursor cursor, LogPosition position) {}

  /** What reading one file gave: the cursor after its last complete line and how many lines that was. */
  record FileRead(Cursor cursor, long lines) {}

  /** The log files in {@code logs}, oldest first: output.log.N .. output.log.1, output.log. */
  static List<Path> files(Path logs) throws IOException {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(logs)) {
      return files;
    }
    int highest = 0;
    try (Stream<Path> list = Files.list(logs)) {
      for (Path path : (Iterable<Path>) list::iterator) {
        String name = path.getFileName().toString();
        if (name.startsWith(LogPump.CURRENT + ".")) {
          try {
            highest = Math.max(highest, Integer.parseInt(name.substring(LogPump.CURRENT.length() + 1)));
          } catch (NumberFormatException ignored) {
            // not a rotation
          }
        }
      }
    } catch (NoSuchFileException e) {
      return files; // removed meanwhile
    }
    for (int i = highest; i >= 1; i--) {
      Path rotated = logs.resolve(LogPump.CURRENT + "." + i);
      if (Files.exists(rotated)) {
        files.add(rotated);
      }
    }
    files.add(logs.resolve(LogPump.CURRENT));
    return files;
  }

  private static Snapshot snapshot(Path logs, LogOptions options) throws IOException {
    ArrayDeque<LogLine> lines = new ArrayDeque<>();
    Cursor cursor = new Cursor(null, 0);
    for (Path file : files(logs)) {
      cursor = read(file, 0, (line, end) -> {
        if (options.accepts(line)) {
          lines.addLast(line);
          if (options.tail() >= 0 && lines.size() > options.tail()) {
            lines.removeFirst();
          }
        }
      }).map(FileRead::cursor).orElse(cursor);
    }
    return new Snapshot(List.copyOf(lines), cursor, LogPosition.read(logs));
  }

  static Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads complete lines from {@code position}; returns the cursor after them, empty if the file is absent. */
  static java.util.Optional<FileRead> read(Path file, long position, Sink sink) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long from = position > size ? 0 : position; // the file was replaced by a shorter one with the same identity
      return java.util.Optional.of(read(channel, fileKey(file), from, sink));
    } catch (NoSuchFileException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * Reads the complete lines of an open file from {@code position} to its current end. Every line counts, also
   * one that does not parse, so the count matches the lines the pump appended.
   */
  static FileRead read(FileChannel channel, Object key, long position, Sink sink) throws IOException {
    long size = channel.size();
    // Split on '\n' only: a '\r' inside a line is part of its text.
    long consumed = position;
    long count = 0;
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long at = position;
    while (at < size) {
      buffer.clear();
      int n = channel.read(buffer, at);
      if (n <= 0) {
        break;
      }
      byte[] bytes = buffer.array();
      for (int i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
          long end = at + i + 1;
          LogFormat.parse(line.toString(StandardCharsets.UTF_8)).ifPresent(parsed -> sink.accept(parsed, end));
          line.reset();
          consumed = end;
          count++;
        } else {
          line.write(bytes[i]);
        }
      }
      at += n;
    }
    return new FileRead(new Cursor(key, Math.min(consumed, size)), count);
  }
}
