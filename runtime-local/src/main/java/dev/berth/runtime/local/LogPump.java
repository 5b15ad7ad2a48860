package dev.berth.runtime.local;

import dev.berth.runtime.LogStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * {@code logs/output.log}.
 *
 * <p><b>Why two stages.</b> The workload writes straight into files opened with {@code O_APPEND}
 * ({@link ProcessBuilder.Redirect#appendTo}); no pipe connects it to the JVM, so it neither blocks nor dies
 * when the JVM does, and nothing it writes can be lost in a pipe buffer. Those raw files have no timestamps
 * and cannot be rotated (the process holds them open). So the supervisor copies complete lines into
 * {@code output.log} as {@code <ISO instant> <O|E> <text>}, remembering in {@code run/offsets} how far it got.
 * The timestamp is when the supervisor read the line (at most one poll interval after it was written; a
 * reader of the logs drains first, so what it sees is current); lines written while no JVM watched get the
 * raw file's modification time instead. A JVM that dies between appending and saving the offsets repeats
 * at most that one batch: lines are delivered at least once, never lost.
 *
 * <p><b>Rotation.</b> {@code output.log} rotates at {@code local.log-max-bytes} into {@code output.log.1} ..
 * {@code .N} ({@code local.log-files}). The raw files cannot shrink under a running process, so the pump
 * punches holes into the part it has copied ({@code fallocate --punch-hole}, keeps offsets valid, frees the
 * blocks); where that is unavailable, raw files are bounded by one run, since each run gets a fresh
 * directory once the previous one has been drained.
 *
 * <p>Not thread-safe: callers hold the workload's {@link WorkloadLock}.
 */
final class LogPump {
  private static final Logger LOG = LoggerFactory.getLogger(LogPump.class);
  /** Longer lines are split, as Docker does at 16 KiB, so one runaway line cannot exhaust memory. */
  static final int MAX_LINE_BYTES = 16 * 1024;
  private static final int CHUNK_BYTES = 256 * 1024;
  private static final long BATCH_BYTES = 8L * 1024 * 1024;
  private static final long PUNCH_EVERY_BYTES = 1024 * 1024;
  private static final Optional<Path> FALLOCATE = Wrapper.findExecutable("fallocate");
  static final String CURRENT = "output.log";

  private final WorkloadDir dir;
  private final long maxBytes;
  private final int keptFiles;
  private long seenOut = -1;
  private long seenErr = -1;
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
    if (!Files.isDirectory(dir.runDir())) {
      return 0;
    }
    int count = 0;
    boolean more = true;
    while (more) {
      Properties offsets = AtomicFiles.readProperties(offsetsFile()).orElseGet(Properties::new);
      Instant now = Instant.now();
      Chunk out = read(dir.stdoutRaw(), LogStream.STDOUT, offset(offsets, "stdout"), flush, now);
      Chunk err = read(dir.stderrRaw(), LogStream.STDERR, offset(offsets, "stderr"), flush, now);
      seenOut = out.size;
      seenErr = err.size;
      more = out.more || err.more;
      if (out.lines.isEmpty() && err.lines.isEmpty()) {
        return count;
      }
      count += append(out, err);
      offsets.setProperty("stdout", Long.toString(out.consumed));
      offsets.setProperty("stderr", Long.toString(err.consumed));
      punchHoles(offsets, "stdout", dir.stdoutRaw(), out.consumed);
      punchHoles(offsets, "stderr", dir.stderrRaw(), err.consumed);
      AtomicFiles.writeProperties(offsetsFile(), offsets);
    }
    return count;
  }

  private int append(Chunk out, Chunk err) throws IOException {
    // Within one batch the order across streams is unknown; the stream written to first goes first.
    List<Chunk> ordered = out.modified.isAfter(err.modified) ? List.of(err, out) : List.of(out, err);
    int count = 0;
    try (Appender appender = new Appender()) {
      for (Chunk chunk : ordered) {
        Instant stamp = chunk.stamp.isBefore(lastTimestamp) ? lastTimestamp : chunk.stamp;
        lastTimestamp = stamp;
        for (String line : chunk.lines) {
          appender.append(stamp, chunk.stream, line);
          count++;
        }
      }
    }
    return count;
  }

  private Path offsetsFile() {
    return dir.runDir().resolve("offsets");
  }

  private static long offset(Properties offsets, String key) {
    try {
      return Long.parseLong(offsets.getProperty(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Complete lines from {@code from} on, at most about {@link #BATCH_BYTES} (then {@code more} is set),
   * lines longer than {@link #MAX_LINE_BYTES} split on a character boundary.
   */
  private static Chunk read(Path file, LogStream stream, long from, boolean flush, Instant now) throws IOException {
    Chunk chunk = new Chunk(stream);
    chunk.consumed = from;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      chunk.size = channel.size();
      Instant modified = Files.getLastModifiedTime(file).toInstant();
      chunk.modified = modified;
      // Lines seen within a second of being written get the read time (the file time is coarse-grained);
      // a backlog from while no JVM watched gets the file time.
      chunk.stamp = now.minusSeconds(1).isAfter(modified) ? modified : now;
      long end = Math.min(chunk.size, from + BATCH_BYTES);
      chunk.more = end < chunk.size;
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(CHUNK_BYTES, end - from)));
      long position = from;
      long lineStart = from;
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
            chunk.lines.add(line.toString(StandardCharsets.UTF_8)); // split before a character starts
            line.reset();
            lineStart = position;
          }
          position++;
          if (b == '\n') {
            chunk.lines.add(line.toString(StandardCharsets.UTF_8));
            line.reset();
            lineStart = position;
          } else {
            line.write(b);
          }
        }
      }
      if (flush && !chunk.more && line.size() > 0) {
        chunk.lines.add(line.toString(StandardCharsets.UTF_8));
        lineStart = position;
      }
      chunk.consumed = lineStart;
    } catch (NoSuchFileException e) {
      chunk.size = -1;
    }
    return chunk;
  }

  private void punchHoles(Properties offsets, String key, Path raw, long consumed) {
    long punched = offset(offsets, key + ".punched");
    long upTo = consumed & ~4095L;
    if (FALLOCATE.isEmpty() || upTo - punched < Math.max(PUNCH_EVERY_BYTES, maxBytes)) {
      return;
    }
    try {
      Process process = new ProcessBuilder(FALLOCATE.get().toString(), "--punch-hole", "--offset", "0",
          "--length", Long.toString(upTo), raw.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
        offsets.setProperty(key + ".punched", Long.toString(upTo));
      }
    } catch (IOException e) {
      LOG.debug("Could not free copied log bytes of {}: {}", raw, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Appends formatted lines to output.log, rotating it when it would pass the size limit. */
  private final class Appender implements AutoCloseable {
    private final Path current = dir.logsDir().resolve(CURRENT);
    private OutputStream out;
    private long size;

    void append(Instant stamp, LogStream stream, String text) throws IOException {
      byte[] bytes = LogFormat.format(stamp, stream, text).getBytes(StandardCharsets.UTF_8);
      if (out == null) {
        Files.createDirectories(dir.logsDir());
        size = Files.exists(current) ? Files.size(current) : 0;
        open();
      }
      if (size > 0 && size + bytes.length > maxBytes) {
        out.close();
        rotate();
        size = 0;
        open();
      }
      out.write(bytes);
      size += bytes.length;
    }

    private void open() throws IOException {
      out = new java.io.BufferedOutputStream(Files.newOutputStream(current, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND), 64 * 1024);
    }

    private void rotate() throws IOException {
      if (keptFiles == 0) {
        Files.deleteIfExists(current);
        return;
      }
      Files.deleteIfExists(rotated(keptFiles));
      for (int i = keptFiles - 1; i >= 1; i--) {
        if (Files.exists(rotated(i))) {
          Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.move(current, rotated(1), StandardCopyOption.ATOMIC_MOVE);
    }

    private Path rotated(int index) {
      return dir.logsDir().resolve(CURRENT + "." + index);
    }

    @Override
    public void close() throws IOException {
      if (out != null) {
        out.close();
      }
    }
  }

  private static final class Chunk {
    final LogStream stream;
    final List<String> lines = new ArrayList<>();
    long size;
    long consumed;
    boolean more;
    Instant modified = Instant.EPOCH;
    Instant stamp = Instant.EPOCH;

    Chunk(LogStream stream) {
      this.stream = stream;
    }
  }
}
