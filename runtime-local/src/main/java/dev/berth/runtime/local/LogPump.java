package dev.berth.runtime.local;

import dev.berth.runtime.LogStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what a workload wrote to {@code run/stdout} and {@code run/stderr} into the timestamped, rotated
 * {@code logs/output.log}, exactly once, even across JVM crashes.
 *
 * <p><b>Why two stages.</b> The workload writes straight into files opened with {@code O_APPEND}
 * ({@link ProcessBuilder.Redirect#appendTo}); no pipe connects it to the JVM, so it neither blocks nor dies
 * when the JVM does, and nothing it writes can be lost in a pipe buffer. Those raw files have no timestamps
 * and cannot be rotated (the process holds them open). So the supervisor copies complete lines into
 * {@code output.log} as {@code <ISO instant> <O|E> <text>}. The timestamp is when the supervisor read the line
 * (at most one poll interval after it was written; readers drain first, so what they see is current); a
 * backlog written while no JVM watched gets the raw file's modification time instead.
 *
 * <p><b>Exactly once.</b> {@code logs/position} records, after every append, how far each raw file of the
 * current run has been copied and the identity and size of {@code output.log} at that point. A JVM that dies
 * between appending and recording leaves lines past the recorded size; the next drain cuts them off (and
 * empties a newer file a rotation had started) and copies them again. So no line is lost or doubled.
 *
 * <p><b>Rotation.</b> {@code output.log} rotates at {@code local.log-max-bytes} into {@code output.log.1} ..
 * {@code .N} ({@code local.log-files}); the position is recorded right before each rotation. Before the oldest
 * file is deleted, the followers of this JVM that have not read all of it open it ({@link RotationWatchers}),
 * so they still read it after the delete; the position counts every line appended, so any other reader can
 * tell exactly how many lines it missed. The raw files
 * cannot shrink under a running process, so the pump punches holes into the part it has copied
 * ({@code fallocate --punch-hole}: offsets stay valid, the blocks are freed); where that is unavailable, raw
 * files are bounded by one run, since each run gets a fresh run directory.
 *
 * <p>Not thread-safe: callers hold the workload's log lock ({@link WorkloadLock} on {@code logs/}).
 */
final class LogPump {
  private static final Logger LOG = LoggerFactory.getLogger(LogPump.class);
  /** Longer lines are split, as Docker does at 16 KiB, so one runaway line cannot exhaust memory. */
  static final int MAX_LINE_BYTES = 16 * 1024;
  static final String CURRENT = "output.log";
  private static final int CHUNK_BYTES = 256 * 1024;
  private static final long BATCH_BYTES = 8L * 1024 * 1024;
  private static final long PUNCH_EVERY_BYTES = 1024 * 1024;
  /** Rotations one {@link #drainStep} may do. */
  static final int STEP_ROTATIONS = 8;
  private static final Optional<Path> FALLOCATE = Wrapper.findExecutable("fallocate");

  private final WorkloadDir dir;
  private final long maxBytes;
  private final int keptFiles;
  // Read without the lock by the polling loop (a hint only); written under the log lock.
  private volatile long seenOut = -1;
  private volatile long seenErr = -1;
  private Instant lastTimestamp = Instant.EPOCH;

  LogPump(WorkloadDir dir, long maxBytes, int keptFiles) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.keptFiles = keptFiles;
  }

  /** A cheap check (two {@code stat}s) whether the raw files grew since the last drain. */
  boolean hasNewOutput() {
    return size(dir.stdoutRaw()) != seenOut || size(dir.stderrRaw()) != seenErr;
  }

  /**
   * Copies every complete line written so far. With {@code flush} (the run has ended) a last line without
   * a newline is copied too. Returns the number of lines copied.
   */
  int drain(boolean flush) throws IOException {
    return drain(flush, Integer.MAX_VALUE).lines();
  }

  /**
   * Copies like {@link #drain(boolean)}, but stops before the {@value #STEP_ROTATIONS}+1st rotation, so one hold
   * of the log lock never rotates a long backlog through in one go: readers get the lock between steps.
   */
  Drained drainStep(boolean flush) throws IOException {
    return drain(flush, STEP_ROTATIONS);
  }

  /** What one drain did: lines copied, and whether output is left that the step limit held back. */
  record Drained(int lines, boolean left) {}

  private Drained drain(boolean flush, int maxRotations) throws IOException {
    Optional<String> run = dir.runId();
    if (run.isEmpty()) {
      return new Drained(0, false);
    }
    LogPosition position = LogPosition.read(dir.logsDir());
    position.recover(dir.logsDir().resolve(CURRENT));
    position.startRun(run.get());
    // A step reads about a file's worth at a time: formatted lines are longer than raw ones, so it never parses
    // much more than it can append before its last rotation. At least one longest line, or it would find none.
    long batch = maxRotations == Integer.MAX_VALUE ? BATCH_BYTES
        : Math.min(BATCH_BYTES, Math.max(maxBytes, 4L * MAX_LINE_BYTES));
    int count = 0;
    boolean more = true;
    boolean left = false;
    Appender appender = new Appender(position, maxRotations);
    while (more) {
      Instant now = Instant.now();
      Chunk out = read(dir.stdoutRaw(), LogStream.STDOUT, position.stdout, flush, now, batch);
      Chunk err = read(dir.stderrRaw(), LogStream.STDERR, position.stderr, flush, now, batch);
      seenOut = out.size;
      seenErr = err.size;
      more = out.more || err.more;
      if (out.lines.isEmpty() && err.lines.isEmpty()) {
        break;
      }
      // Within one batch the order across streams is unknown; the stream written to first goes first.
      List<Chunk> ordered = out.modified.isAfter(err.modified) ? List.of(err, out) : List.of(out, err);
      int appended = appender.append(ordered);
      count += appended;
      punchHoles(position);
      position.write(dir.logsDir());
      if (appended < out.lines.size() + err.lines.size()) {
        left = true;
        break;
      }
    }
    if (left || more) {
      seenOut = -1; // not all copied: the next check must not take the raw sizes as seen
      seenErr = -1;
    }
    return new Drained(count, left || more);
  }

  /**
   * Empties the log, as a new container's log is empty: for a bot recreated by an update. The line count goes
   * on and a new epoch starts, so followers of the previous run end (see {@link LogFollower}). Call with the
   * run drained and under the log lock.
   */
  void clear() throws IOException {
    LogPosition position = LogPosition.read(dir.logsDir());
    for (Path file : LogReader.files(dir.logsDir())) {
      Files.deleteIfExists(file);
    }
    position.epoch++;
    position.epochLines = position.lines;
    position.logKey = "";
    position.logSize = 0;
    Files.createDirectories(dir.logsDir());
    position.write(dir.logsDir());
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Complete lines from {@code from} on, at most about {@code batch} bytes (then {@code more} is set),
   * lines longer than {@link #MAX_LINE_BYTES} split on a character boundary; each with the raw offset after it.
   */
  private static Chunk read(Path file, LogStream stream, long from, boolean flush, Instant now, long batch)
      throws IOException {
    Chunk chunk = new Chunk(stream);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      chunk.size = channel.size();
      Instant modified = Files.getLastModifiedTime(file).toInstant();
      chunk.modified = modified;
      // Lines seen within a second of being written get the read time (the file time is coarse-grained);
      // a backlog from while no JVM watched gets the file time.
      chunk.stamp = now.minusSeconds(1).isAfter(modified) ? modified : now;
      long end = Math.min(chunk.size, from + batch);
      chunk.more = end < chunk.size;
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(CHUNK_BYTES, end - from)));
      long position = from;
      while (position < end) {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), end - position));
        int n = channel.read(buffer, position);
        if (n <= 0) {
          break;
        }
        byte[] bytes = buffer.array();
        for (int i = 0; i < n; i++) {
          byte b = bytes[i];
          if (b != '\n' && line.size() >= MAX_LINE_BYTES && (b & 0xC0) != 0x80) {
            chunk.add(line, position); // split before a character starts
          }
          position++;
          if (b == '\n') {
            chunk.add(line, position);
          } else {
            line.write(b);
          }
        }
      }
      if (flush && !chunk.more && line.size() > 0) {
        chunk.add(line, position);
      }
    } catch (NoSuchFileException e) {
      chunk.size = -1;
    }
    return chunk;
  }

  private void punchHoles(LogPosition position) {
    position.stdoutPunched = punch(dir.stdoutRaw(), position.stdout, position.stdoutPunched);
    position.stderrPunched = punch(dir.stderrRaw(), position.stderr, position.stderrPunched);
  }

  private long punch(Path raw, long consumed, long punched) {
    long upTo = consumed & ~4095L;
    if (FALLOCATE.isEmpty() || upTo - punched < Math.max(PUNCH_EVERY_BYTES, maxBytes)) {
      return punched;
    }
    try {
      Process process = new ProcessBuilder(FALLOCATE.get().toString(), "--punch-hole", "--offset", "0",
          "--length", Long.toString(upTo), raw.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
        return upTo;
      }
    } catch (IOException e) {
      LOG.debug("Could not free copied log bytes of {}: {}", raw, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return punched;
  }

  /**
   * Appends formatted lines to output.log; records the position before each rotation. Stops before a rotation
   * beyond {@code maxRotations}, leaving the rest of the lines unconsumed.
   */
  private final class Appender {
    private final LogPosition position;
    private final int maxRotations;
    private final Path current = dir.logsDir().resolve(CURRENT);
    private int rotations;
    private FileChannel out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(64 * 1024);

    Appender(LogPosition position, int maxRotations) {
      this.position = position;
      this.maxRotations = maxRotations;
    }

    /** Returns the number of lines appended. */
    int append(List<Chunk> chunks) throws IOException {
      Files.createDirectories(dir.logsDir());
      out = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      int appended = 0;
      try {
        long size = out.size();
        chunks:
        for (Chunk chunk : chunks) {
          Instant stamp = chunk.stamp.isBefore(lastTimestamp) ? lastTimestamp : chunk.stamp;
          lastTimestamp = stamp;
          for (int i = 0; i < chunk.lines.size(); i++) {
            byte[] bytes = LogFormat.format(stamp, chunk.stream, chunk.lines.get(i)).getBytes(StandardCharsets.UTF_8);
            if (size + pending.size() > 0 && size + pending.size() + bytes.length > maxBytes) {
              if (rotations == maxRotations) {
                break chunks;
              }
              size = rotate();
              rotations++;
            }
            pending.write(bytes);
            position.consumed(chunk.stream, chunk.ends.get(i));
            position.lines++;
            appended++;
          }
        }
        flush();
        position.logged(current, out.size());
      } finally {
        out.close();
      }
      return appended;
    }

    private void flush() throws IOException {
      ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      pending.reset();
    }

    /** Commits what is written so far, then starts a new current file. Returns its size (0). */
    private long rotate() throws IOException {
      flush();
      position.logged(current, out.size());
      position.write(dir.logsDir());
      out.close();
      if (keptFiles == 0) {
        retire(current);
      } else {
        retire(rotated(keptFiles));
        for (int i = keptFiles - 1; i >= 1; i--) {
          if (Files.exists(rotated(i))) {
            Files.move(rotated(i), rotated(i + 1), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          }
        }
        Files.move(current, rotated(1), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      out = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      return 0;
    }

    /** Deletes a log file; followers that have not read all of it keep it open first (see LogFollower). */
    private void retire(Path file) throws IOException {
      if (Files.exists(file)) {
        RotationWatchers.retiring(dir.logsDir(), file);
      }
      Files.deleteIfExists(file);
    }

    private Path rotated(int index) {
      return dir.logsDir().resolve(CURRENT + "." + index);
    }
  }

  /** Lines of one stream read in one batch. */
  private static final class Chunk {
    final LogStream stream;
    final List<String> lines = new ArrayList<>();
    final List<Long> ends = new ArrayList<>();
    long size;
    boolean more;
    Instant modified = Instant.EPOCH;
    Instant stamp = Instant.EPOCH;

    Chunk(LogStream stream) {
      this.stream = stream;
    }

    void add(ByteArrayOutputStream line, long end) {
      lines.add(line.toString(StandardCharsets.UTF_8));
      ends.add(end);
      line.reset();
    }
  }
}
