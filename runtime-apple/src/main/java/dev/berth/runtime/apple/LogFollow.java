package dev.berth.runtime.apple;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.WorkloadNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A follow of one container's log, read on the consumer's thread. It delivers the existing lines (from one
 * complete read), then what {@code container logs -f} prints. The wrapper numbers every line, so lines the
 * CLI skipped (its follow starts at the file's end, leaving a window after the complete read) are noticed
 * and filled from another complete read, and lines read twice are dropped. The CLI's follow never ends by
 * itself: {@link FollowWatch} calls {@link #finish()} when the run ends, which kills the child; the follow
 * then reads the log until it holds every line the wrapper counted (or the container has stopped), delivers
 * the rest, and ends. Closing the stream kills the child at once.
 *
 * <p>The CLI's follow may split a line where it read the file in pieces; a line is therefore held for a few
 * milliseconds until the next one shows it was complete, and an untagged piece after a tagged line is joined
 * to it.
 */
final class LogFollow implements Iterator<LogLine>, AutoCloseable {
  private static final Duration FINAL_WAIT = Duration.ofSeconds(10);
  private static final int HOLD_MILLIS = 25;
  private static final int RESTARTS = 3;

  private final ContainerLogs source;
  private final LogOptions options;
  private final Consumer<LogFollow> unregister;
  private final Instant fallback;
  private final LogTags.Cursor cursor = new LogTags.Cursor();
  private final ArrayDeque<LogLine> pending = new ArrayDeque<>();
  private volatile boolean closed;
  private volatile boolean ending;
  private volatile Process child;
  private LineReader reader;
  private String held;
  private boolean tagged;
  private boolean done;
  private int restarts;

  /** Reads the existing lines now (a missing container fails here) and starts following if it runs. */
  LogFollow(ContainerLogs source, LogOptions options, Consumer<LogFollow> unregister) {
    this.source = source;
    this.options = options;
    this.unregister = unregister;
    this.fallback = source.fallback();
    List<LogLine> initial = cursor.fresh(source.readAll()).stream().map(LogTags.Tagged::line)
        .filter(options::accepts).toList();
    int from = options.tail() >= 0 ? Math.max(0, initial.size() - options.tail()) : 0;
    pending.addAll(initial.subList(from, initial.size()));
    if (source.started() && !source.exitRecorded() && source.active()) {
      startChild();
    } else {
      ending = true;
    }
  }

  ContainerLogs source() {
    return source;
  }

  /** Whether the run has ended (or the follow was closed) and the follow only delivers what is left. */
  boolean ending() {
    return ending || closed;
  }

  /** The run ended: stop reading the CLI's follow, deliver what is left, end. Any thread. */
  void finish() {
    ending = true;
    Process process = child;
    if (process != null) {
      process.destroy();
    }
  }

  /** Ends the follow now; idempotent, any thread. */
  @Override
  public void close() {
    closed = true;
    Process process = child;
    if (process != null) {
      Cli.kill(process);
    }
    unregister.accept(this);
  }

  @Override
  public boolean hasNext() {
    while (pending.isEmpty() && !done) {
      if (closed) {
        done = true;
      } else {
        step();
      }
      if (done) {
        unregister.accept(this);
      }
    }
    return !pending.isEmpty();
  }

  @Override
  public LogLine next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the follow has ended");
    }
    return pending.poll();
  }

  private void step() {
    if (child == null) {
      finalFill();
      done = true;
      return;
    }
    String raw = nextRaw();
    if (raw != null) {
      accept(LogTags.parse(raw, fallback));
      return;
    }
    Cli.kill(child);
    child = null;
    if (!closed && !ending && restarts < RESTARTS && source.active()) {
      restarts++; // the CLI's follow ended on its own: fill what it missed and follow again
      cursor.fresh(source.readAll()).forEach(this::enqueue);
      startChild();
    }
  }

  private void accept(LogTags.Tagged line) {
    switch (cursor.offer(line)) {
      case NEW:
        enqueue(line);
        break;
      case GAP:
        cursor.fresh(source.readAll()).forEach(this::enqueue);
        LogTags.Cursor.Verdict again = cursor.offer(line);
        if (again == LogTags.Cursor.Verdict.GAP) { // the lines are gone from the log
          pending.add(LogLine.stderr(line.line().timestamp(), "[berth: " + lines(cursor.missingBefore(line))
              + " of log dropped]"));
          cursor.skipTo(line);
          enqueue(line);
        } else if (again == LogTags.Cursor.Verdict.NEW) {
          enqueue(line);
        }
        break;
      default:
        break;
    }
  }

  private void enqueue(LogTags.Tagged line) {
    if (options.accepts(line.line())) {
      pending.add(line.line());
    }
  }

  /**
   * Reads until the log holds every line the wrapper counted for the current run; without counts (the run
   * was killed, or the image has no {@code awk}), until the container has stopped.
   */
  private void finalFill() {
    long deadline = System.nanoTime() + FINAL_WAIT.toNanos();
    while (!closed) {
      try {
        cursor.fresh(source.readAll()).forEach(this::enqueue);
        if (complete() || System.nanoTime() - deadline > 0) {
          return;
        }
      } catch (WorkloadNotFoundException e) {
        return; // removed meanwhile: its log is gone with it
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private boolean complete() {
    long run = source.currentRun();
    OptionalLong out = source.count(LogStream.STDOUT);
    OptionalLong err = source.count(LogStream.STDERR);
    if (run > 0 && out.isPresent() && err.isPresent() && source.exitRecorded()) {
      return cursor.highest(run, LogStream.STDOUT) >= out.getAsLong()
          && cursor.highest(run, LogStream.STDERR) >= err.getAsLong();
    }
    if (source.active()) {
      return false;
    }
    cursor.fresh(source.readAll()).forEach(this::enqueue); // it has stopped: this read is complete
    return true;
  }

  /**
   * The next complete line of the child, null at its end. A line is held until the next one arrives or
   * nothing more is ready for {@value #HOLD_MILLIS} ms, so a piece the CLI split off can be joined to it.
   */
  private String nextRaw() {
    try {
      while (true) {
        if (held != null && !readySoon()) {
          return release(null);
        }
        String line = reader.readLine();
        if (line == null) {
          return release(null);
        }
        boolean isTagged = LogTags.isTagged(line);
        if (held == null) {
          held = line;
        } else if (tagged && !isTagged) {
          held = held + line;
        } else {
          return release(line);
        }
        tagged |= isTagged;
      }
    } catch (IOException e) {
      return release(null); // the child was killed
    }
  }

  private String release(String next) {
    String out = held;
    held = next;
    if (next != null) {
      tagged |= LogTags.isTagged(next);
    }
    return out;
  }

  private boolean readySoon() {
    for (int waited = 0; waited < HOLD_MILLIS; waited += 5) {
      if (reader.ready() || closed || ending) {
        return reader.ready();
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return reader.ready();
  }

  private void startChild() {
    Process process = source.follow();
    child = process;
    reader = new LineReader(process.getInputStream());
    if (closed || ending) {
      process.destroy(); // closed or finished while it started
    }
  }

  private static String lines(long count) {
    return count == 1 ? "1 line" : count + " lines";
  }
}
