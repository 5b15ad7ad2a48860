package dev.berth.runtime.testkit;

import dev.berth.runtime.LogLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Consumes a following log stream on a kit-owned thread, so a test can watch lines arrive, check that the
 * stream ends on its own, or close it from the test thread while the consumer is blocked.
 */
final class Follower implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Stream<LogLine> stream;
  private final List<LogLine> lines = new ArrayList<>();
  private final Thread thread;
  private final KitTimeouts timeouts;
  private final String what;
  private volatile Throwable failure;

  private Follower(Stream<LogLine> stream, KitTimeouts timeouts, String what) {
    this.stream = stream;
    this.timeouts = timeouts;
    this.what = what;
    this.thread = new Thread(this::consume, "berth-tck-follow-" + COUNTER.incrementAndGet());
    this.thread.setDaemon(true);
  }

  /** Opens the stream on the calling thread (so its exceptions surface there) and consumes it on another. */
  static Follower start(Supplier<Stream<LogLine>> open, KitTimeouts timeouts, String what) {
    Follower follower = new Follower(open.get(), timeouts, what);
    follower.thread.start();
    return follower;
  }

  private void consume() {
    try {
      stream.forEach(line -> {
        synchronized (lines) {
          lines.add(line);
        }
      });
    } catch (Throwable t) {
      failure = t;
    }
  }

  /** The lines received so far. */
  List<LogLine> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  /** Waits until the received lines satisfy {@code condition}; fails at once when the stream ended without. */
  List<LogLine> awaitLines(String description, Predicate<List<LogLine>> condition) {
    return Await.until(timeouts, description + " on " + what, this::lines, condition, lines -> {
      if (thread.isAlive()) {
        return Optional.empty();
      }
      List<LogLine> all = lines(); // read after the consumer finished: nothing more arrives
      return condition.test(all) ? Optional.empty() : Optional.of("the stream ended after " + all.size()
          + " lines" + (failure == null ? "" : ", failing with " + failure));
    }, Duration.ZERO);
  }

  /** Whether the stream ended (its consumer finished) within {@code limit}. */
  boolean endsWithin(Duration limit) {
    try {
      thread.join(Math.max(1, limit.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + what + " to end", e);
    }
    return !thread.isAlive();
  }

  /** The exception the stream ended with, if any. */
  Throwable failure() {
    return failure;
  }

  /** Closes the stream from the calling thread without waiting for the consumer. */
  void closeStream() {
    stream.close();
  }

  /** Closes the stream and waits for the consumer to finish; never throws. */
  @Override
  public void close() {
    try {
      stream.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
    }
    if (!endsWithin(timeouts.await())) {
      thread.interrupt();
    }
  }
}
