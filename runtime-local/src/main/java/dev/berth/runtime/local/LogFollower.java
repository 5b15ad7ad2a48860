package dev.berth.runtime.local;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.local.LogReader.Cursor;
import dev.berth.runtime.local.LogReader.FileRead;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The following part of a {@code logs(follow)} stream: reads on the caller's thread, every line exactly once
 * and in order, across rotations.
 *
 * <p><b>Rotation.</b> A fast workload can fill several log files within one copy, so rotation may delete a
 * file before a follower got to it. Followers in this JVM register with {@link RotationWatchers}: before a
 * file is deleted, each follower that has not finished it opens it, and reads it later through the open
 * channel (at most {@value #MAX_HELD_FILES} files or {@value #MAX_HELD_BYTES} bytes per follower, so a follower
 * that stopped reading cannot pin the disk). Where lines are gone all the same (that bound was hit, or
 * another JVM rotated them away), the follower delivers one {@link #gapMarker gap marker} in their place,
 * counted exactly from the log's line count ({@link LogPosition#lines}): never a silent hole. When an update
 * recreates the bot and empties its log, the follow of the previous run ends (as one of a removed container
 * does), counting what it had not read in a marker {@code ... dropped by a recreating update]}.
 *
 * <p>Threads: {@link #tryAdvance} runs on the consumer's thread and reads inside the source's
 * {@code drainAndRead}, under the log lock; {@link #retiring} runs under the same lock on whichever thread
 * rotates; {@link #close} may come from any thread. The mutable state is guarded by this object's monitor.
 */
final class LogFollower extends Spliterators.AbstractSpliterator<LogLine> implements RotationWatchers.Watcher {
  static final int MAX_HELD_FILES = 64;
  static final long MAX_HELD_BYTES = 64L * 1024 * 1024;
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** A rotated-away file this follower still reads, and where from. */
  private record Held(FileChannel channel, long from) {}

  private final LogReader.Source source;
  private final LogOptions options;
  private final ArrayDeque<LogLine> buffer = new ArrayDeque<>();
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private Path logs;
  private Cursor cursor = new Cursor(null, 0);
  /** The log's epoch when this follow began; it ends when the log is emptied for a recreated bot. */
  private long epoch;
  /** Lines of the log accounted for so far (delivered, filtered out or marked as dropped). */
  private long accounted;
  private long heldBytes;
  private boolean overflowed;
  private volatile boolean closed;
  private boolean ended;

  LogFollower(LogReader.Source source, LogOptions options) {
    super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
    this.source = source;
    this.options = options;
  }

  /**
   * The line delivered in place of {@code lines} lines that were deleted before this reader read them:
   * {@code [berth: 1234 lines of log dropped by rotation]} on STDERR.
   */
  static LogLine gapMarker(long lines, Instant timestamp) {
    return gapMarker(lines, timestamp, "rotation");
  }

  private static LogLine gapMarker(long lines, Instant timestamp, String cause) {
    return LogLine.stderr(timestamp, "[berth: " + lines + (lines == 1 ? " line" : " lines")
        + " of log dropped by " + cause + "]");
  }

  /** Starts from a snapshot taken under the log lock, and watches rotations from then on. */
  synchronized void begin(Path logs, LogReader.Snapshot snapshot) {
    this.logs = logs;
    buffer.addAll(snapshot.lines());
    cursor = snapshot.cursor();
    accounted = snapshot.position().lines;
    epoch = snapshot.position().epoch;
    RotationWatchers.add(logs, this);
  }

  void close() {
    closed = true;
    release();
  }

  private synchronized void release() {
    if (logs != null) {
      RotationWatchers.remove(logs, this);
    }
    held.forEach(h -> closeQuietly(h.channel()));
    held.clear();
    heldBytes = 0;
  }

  @Override
  public synchronized void retiring(Path file) {
    if (closed || ended || overflowed) {
      return;
    }
    Object key = LogReader.fileKey(file);
    long from = 0;
    if (held.isEmpty()) {
      if (cursor.fileKey() != null && !cursor.fileKey().equals(key)) {
        return; // it reads a newer file already
      }
      from = cursor.fileKey() == null ? 0 : cursor.position();
    }
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      long size = channel.size();
      if (held.size() >= MAX_HELD_FILES || heldBytes + size > MAX_HELD_BYTES) {
        channel.close();
        overflowed = true; // from here on the lines are counted, not kept
        return;
      }
      held.addLast(new Held(channel, from));
      heldBytes += size;
    } catch (NoSuchFileException e) {
      // already gone: counted as dropped when this follower reads next
    } catch (IOException e) {
      overflowed = true;
    }
  }

  @Override
  public boolean tryAdvance(Consumer<? super LogLine> action) {
    Objects.requireNonNull(action, "action");
    while (true) {
      if (source.isClosed()) {
        release();
        return false; // the runtime was closed: end now, also with lines still buffered
      }
      LogLine next = pollBuffer();
      if (next != null) {
        action.accept(next);
        return true;
      }
      if (closed || ended || Thread.currentThread().isInterrupted()) {
        release();
        return false;
      }
      // Check first, read second: once it is seen stopped, its output has been flushed into the log.
      boolean running = source.isRunning();
      Optional<LogReader.Kept> kept = running ? Optional.empty() : source.kept();
      if (kept.isPresent()) {
        // Ended, its files may be gone: the rest comes from what was kept when it ended.
        synchronized (this) {
          try {
            readHeld();
          } catch (IOException e) {
            throw new RuntimeOperationException("Reading the rotated logs in " + logs + " failed: " + e.getMessage(), e);
          }
          kept.get().after(cursor).stream().filter(options::accepts).forEach(buffer::addLast);
          ended = true;
        }
        continue;
      }
      boolean empty = source.drainAndFollow(logs -> {
        synchronized (this) {
          readAfter(logs);
          return buffer.isEmpty();
        }
      });
      if (empty) {
        if (!running) {
          synchronized (this) {
            ended = true;
          }
          release();
          return false;
        }
        LockSupport.parkNanos(this, PAUSE_NANOS);
      }
    }
  }

  private synchronized LogLine pollBuffer() {
    return buffer.pollFirst();
  }

  /** Reads what was written after the cursor; called under the log lock. */
  private void readAfter(Path logs) throws IOException {
    LogPosition position = LogPosition.read(logs);
    boolean readHeld = !held.isEmpty();
    readHeld();
    if (position.epoch != epoch) {
      // The bot was recreated and its log emptied: this follow of the previous run ends, as a follow of a
      // removed container does; what it had not read of that run is counted, not lost silently.
      long missing = position.epochLines - accounted;
      if (position.linesKnown && missing > 0) {
        buffer.addLast(gapMarker(missing, Instant.now(), "a recreating update"));
      }
      ended = true;
      return;
    }
    List<Path> files = LogReader.files(logs);
    int index = readHeld ? -1 : indexOf(files, cursor);
    List<LogLine> lines = new ArrayList<>();
    Cursor after = cursor;
    long read = 0;
    while (true) {
      lines.clear();
      after = cursor;
      read = 0;
      for (int i = Math.max(index, 0); i < files.size(); i++) {
        Optional<FileRead> file = LogReader.read(files.get(i), i == index ? cursor.position() : 0,
            (line, end) -> lines.add(line));
        if (file.isPresent()) {
          read += file.get().lines();
          after = file.get().cursor();
        }
      }
      if (index < 0 || !position.linesKnown || accounted + read == position.lines) {
        break;
      }
      index = -1; // the cursor's file identity was reused by a newer file: read all that is left instead
    }
    if (position.linesKnown) {
      // Read from the oldest file on (the cursor's file is gone): the lines the log had before it are missing.
      long missing = index >= 0 ? 0 : position.lines - read - accounted;
      if (missing > 0) {
        buffer.addLast(gapMarker(missing, lines.isEmpty() ? Instant.now() : lines.get(0).timestamp()));
      }
      accounted = position.lines;
    }
    lines.stream().filter(options::accepts).forEach(buffer::addLast);
    cursor = after;
    overflowed = false;
  }

  private static int indexOf(List<Path> files, Cursor cursor) {
    for (int i = 0; cursor.fileKey() != null && i < files.size(); i++) {
      if (cursor.fileKey().equals(LogReader.fileKey(files.get(i)))) {
        return i;
      }
    }
    return -1;
  }

  /** Reads the rotated-away files this follower kept open, in rotation order, and closes them. */
  private void readHeld() throws IOException {
    while (!held.isEmpty()) {
      Held file = held.pollFirst();
      try {
        FileRead read = LogReader.read(file.channel(), null, file.from(), (line, end) -> {
          if (options.accepts(line)) {
            buffer.addLast(line);
          }
        });
        accounted += read.lines();
      } finally {
        closeQuietly(file.channel());
      }
    }
    heldBytes = 0;
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // a read-only channel loses nothing when its close fails
    }
  }
}
