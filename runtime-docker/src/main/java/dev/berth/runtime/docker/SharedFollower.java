package dev.berth.runtime.docker;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.LogCursor;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One caller's follow, served from a {@link SharedFollow}: first the stored lines its options ask for,
 * then the shared follow's lines from its position on, each line exactly once. The member joins before it
 * reads the stored log, so the two overlap; a {@link LogCursor} drops the overlap. Where they might not
 * overlap (the shared follow had only just started, or this member fell behind and was detached), the
 * stored log is read again from the last delivered line before the shared lines are taken.
 */
final class SharedFollower implements Iterator<LogLine> {
  /** Plain reads of the stored log, for the selected streams. */
  interface StoredLog {
    /** Every line from the second of {@code from} on. */
    Iterator<LogLine> since(Instant from);

    /** Every line the caller's options accept, ignoring their tail. */
    Iterator<LogLine> all();

    /** Ends the read in progress, from any thread. */
    void stop();
  }

  private final SharedFollow shared;
  private final StoredLog stored;
  private final LogOptions options;
  private final LogCursor cursor;
  private final ArrayDeque<LogLine> batch = new ArrayDeque<>();
  private final SharedFollow.Member member;
  private Iterator<LogLine> reading;
  private boolean tracking;
  private Runnable afterReading = () -> { };
  private Predicate<LogLine> fresh = line -> true;
  private boolean attached;
  private LogLine next;
  private boolean done;
  private volatile boolean closed;

  /**
   * @param member joined before {@code initial} was requested
   * @param initial the stored lines the options ask for (tail and since applied)
   * @param seen every stored line already read to produce {@code initial}, or null to track {@code initial}
   */
  SharedFollower(SharedFollow shared, SharedFollow.Member member, StoredLog stored, LogOptions options,
      Iterator<LogLine> initial, LogCursor seen) {
    this.shared = shared;
    this.member = member;
    this.stored = stored;
    this.options = options;
    this.cursor = seen == null ? new LogCursor() : seen;
    this.reading = initial;
    this.tracking = seen == null;
  }

  @Override
  public boolean hasNext() {
    while (next == null && !done) {
      if (closed) {
        finish();
      } else if (reading != null) {
        if (reading.hasNext()) {
          offer(reading.next(), tracking);
        } else {
          reading = null;
          afterReading.run();
        }
      } else if (!batch.isEmpty()) {
        offer(batch.poll(), true);
      } else {
        takeShared();
      }
    }
    return next != null;
  }

  private void offer(LogLine line, boolean track) {
    if (!options.streams().contains(line.stream()) || !fresh.test(line)) {
      return;
    }
    if (track) {
      cursor.delivered(line);
    }
    if (options.accepts(line)) {
      next = line;
    }
  }

  private void takeShared() {
    Object signal = shared.take(member, batch, !attached);
    if (signal == SharedFollow.DETACHED) {
      shared.rejoin(member);
      attached = false;
    } else if (signal == SharedFollow.END) {
      if (attached) {
        finish();
      } else { // the shared follow never reached this member's position: read what it may have missed
        Optional<Instant> latest = cursor.resumeFrom();
        if (latest.isEmpty() && options.tail() == 0) {
          finish();
        } else {
          read(latest.map(stored::since).orElseGet(stored::all), this::finish);
        }
      }
    } else if (!attached) {
      LogLine first = batch.poll(); // peeked: the member's first shared line, not yet taken
      Optional<Instant> latest = cursor.resumeFrom();
      if (latest.isPresent() && first.timestamp().isAfter(latest.get())) {
        read(stored.since(latest.get()), this::attach); // stored after 'first' existed: it reaches it
      } else {
        attach();
      }
    }
  }

  private void finish() {
    done = true;
    shared.leave(member);
  }

  private void read(Iterator<LogLine> lines, Runnable then) {
    fresh = cursor.missed();
    tracking = true;
    reading = lines;
    afterReading = then;
  }

  private void attach() {
    fresh = cursor.missed();
    attached = true;
  }

  @Override
  public LogLine next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    LogLine line = next;
    next = null;
    member.active();
    return line;
  }

  /** Ends this follow from any thread; a reader blocked in {@link #hasNext} returns. */
  void close() {
    closed = true;
    stored.stop();
    shared.leave(member);
  }
}
