package dev.berth.runtime.testkit;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The log of one mock workload. A following stream blocks its consumer (no extra thread) until a line
 * arrives, the workload stops running, the workload is removed, or the stream is closed from any thread.
 */
final class MockLog {
  private final List<LogLine> lines = new ArrayList<>();
  private boolean live;
  private boolean removed;

  synchronized void append(LogLine line) {
    lines.add(line);
    notifyAll();
  }

  /** Whether the workload is running; followers end once it is not and they have every line. */
  synchronized void live(boolean running) {
    this.live = running;
    notifyAll();
  }

  /** The workload is gone; followers end. */
  synchronized void remove() {
    removed = true;
    live = false;
    notifyAll();
  }

  synchronized List<LogLine> read(LogOptions options) {
    List<LogLine> accepted = lines.stream().filter(options::accepts).collect(Collectors.toList());
    if (options.tail() != LogOptions.ALL && accepted.size() > options.tail()) {
      accepted = new ArrayList<>(accepted.subList(accepted.size() - options.tail(), accepted.size()));
    }
    return accepted;
  }

  Stream<LogLine> stream(LogOptions options) {
    if (!options.follow()) {
      return read(options).stream();
    }
    Cursor cursor = new Cursor(options);
    return StreamSupport.stream(cursor, false).onClose(cursor::close);
  }

  /** Existing lines first (with tail), then new ones as they come. */
  private final class Cursor extends Spliterators.AbstractSpliterator<LogLine> {
    private static final int BATCH = 1024;
    private final LogOptions options;
    private final Deque<LogLine> pending;
    private int next;
    private volatile boolean closed;

    Cursor(LogOptions options) {
      super(Long.MAX_VALUE, ORDERED | NONNULL);
      this.options = options;
      synchronized (MockLog.this) {
        this.pending = new ArrayDeque<>(read(options));
        this.next = lines.size();
      }
    }

    @Override
    public boolean tryAdvance(Consumer<? super LogLine> action) {
      if (closed) {
        return false;
      }
      if (pending.isEmpty() && !refill()) {
        return false;
      }
      action.accept(pending.poll());
      return true;
    }

    /** Takes the next batch of lines, waiting for one; false when the follow is over. Only the consumer calls it. */
    private boolean refill() {
      synchronized (MockLog.this) {
        while (true) {
          if (closed) {
            return false;
          }
          while (pending.size() < BATCH && next < lines.size()) { // a batch per lock: followers contend less
            LogLine candidate = lines.get(next++);
            if (options.accepts(candidate)) {
              pending.add(candidate);
            }
          }
          if (!pending.isEmpty()) {
            return true;
          }
          if (removed || !live) {
            return false;
          }
          try {
            MockLog.this.wait(250);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      }
    }

    void close() {
      closed = true;
      synchronized (MockLog.this) {
        MockLog.this.notifyAll();
      }
    }
  }
}
