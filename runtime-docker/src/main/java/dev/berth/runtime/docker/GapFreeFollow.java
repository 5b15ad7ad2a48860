package dev.berth.runtime.docker;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.LogCursor;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follow that delivers every line the container wrote, exactly once and in order, although Docker may
 * end a follow stream before it sent the stored tail (20.10 does so for a follower that attached late to a
 * fast writer: the stream ends when the container exits, lines still unsent). When a stream ends, the
 * container is inspected: while it runs, a new follow starts from the last delivered line; once it has
 * exited, one plain read of the stored log from there delivers what is missing, and the follow ends.
 * Docker's {@code since} has whole seconds, so each resumed read starts at the second of the last line
 * and a {@link LogCursor} skips what was already delivered.
 */
final class GapFreeFollow implements Iterator<LogLine> {
  private static final Logger log = LoggerFactory.getLogger(GapFreeFollow.class);
  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 1000;

  /** Whether the container still writes to its log. */
  enum Liveness { RUNNING, EXITED, GONE }

  /** The engine side: log requests and the container's state. */
  interface Source {
    /**
     * Starts a log request for the selected streams.
     *
     * @param tail the last lines to send first, or {@link LogOptions#ALL}
     * @param since the earliest second to send, or empty for the whole log
     */
    LogFeed open(boolean follow, int tail, Optional<Instant> since);

    Liveness liveness();
  }

  private final Source source;
  private final LogOptions options;
  private final LogCursor cursor;
  private final Object pause = new Object();
  private volatile LogFeed feed;
  private volatile boolean closed;
  private Predicate<LogLine> fresh = line -> true;
  private boolean finalRead;
  private long backoffMillis;
  private long deliveredBySource;
  private LogLine next;
  private boolean done;

  /**
   * Starts following; the first request goes out before this returns, so its errors reach the caller.
   *
   * @param cursor what the caller already delivered from this container (empty for a fresh follow)
   */
  GapFreeFollow(Source source, LogOptions options, LogCursor cursor) {
    this.source = source;
    this.options = options;
    this.cursor = cursor;
    this.feed = follow();
  }

  private LogFeed follow() {
    Optional<Instant> from = cursor.resumeFrom();
    fresh = cursor.missed();
    deliveredBySource = 0;
    return from.isPresent() ? source.open(true, LogOptions.ALL, from) : source.open(true, options.tail(),
        options.since());
  }

  @Override
  public boolean hasNext() {
    while (next == null && !done) {
      LogFeed current = feed;
      Object item = current.take();
      if (item != LogFeed.END) {
        LogLine line = (LogLine) item;
        if (fresh.test(line)) {
          cursor.delivered(line);
          deliveredBySource++;
          if (options.accepts(line)) {
            next = line;
          }
        }
      } else if (closed || current.wasShutdown() || finalRead) {
        done = true;
      } else {
        resume();
      }
    }
    return next != null;
  }

  @Override
  public LogLine next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    LogLine line = next;
    next = null;
    return line;
  }

  /** The stream ended on Docker's side: follow on while the container runs, else read what is missing. */
  private void resume() {
    Liveness liveness = source.liveness();
    log.debug("A log follow ended after {} lines from its last request; the container is {}; last line at {}",
        deliveredBySource, liveness, cursor.resumeFrom().orElse(null));
    if (liveness == Liveness.GONE) {
      done = true;
      return;
    }
    if (liveness == Liveness.RUNNING) {
      // A stream that ends at once while the container runs (e.g. it is restarting) must not spin.
      backoffMillis = deliveredBySource > 0 ? 0 : Math.min(MAX_BACKOFF_MILLIS,
          Math.max(FIRST_BACKOFF_MILLIS, backoffMillis * 2));
      if (backoffMillis > 0 && !pause(backoffMillis)) {
        done = true;
        return;
      }
      replace(follow());
      return;
    }
    finalRead = true;
    Optional<Instant> from = cursor.resumeFrom();
    fresh = cursor.missed();
    replace(from.isPresent() ? source.open(false, LogOptions.ALL, from) : source.open(false, options.tail(),
        options.since()));
  }

  private void replace(LogFeed opened) {
    feed = opened;
    if (closed) { // close() may have shut down the previous feed only
      opened.shutdown();
    }
  }

  /** Waits, unless the follow is closed meanwhile; false when it was. */
  private boolean pause(long millis) {
    synchronized (pause) {
      if (!closed) {
        try {
          pause.wait(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
      }
    }
    return !closed;
  }

  /** Ends the follow from any thread; a reader blocked in {@link #hasNext} returns. */
  void close() {
    closed = true;
    feed.shutdown();
    synchronized (pause) {
      pause.notifyAll();
    }
  }
}
