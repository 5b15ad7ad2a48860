package dev.berth.runtime.testkit;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Runtime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Follows a bot that prints {@code 1..n} and checks every line as it arrives, without keeping the lines
 * (twenty followers of 200,000 lines would otherwise hold millions of objects): it counts what arrived,
 * notes the first line that was not the next number, and finds the first missing one.
 */
final class NumberedFollower {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Stream<LogLine> stream;
  private final int expected;
  private final Thread thread;
  private volatile long received;
  private volatile long next = 1;
  private volatile String firstSurprise;
  private volatile Throwable failure;

  private NumberedFollower(Stream<LogLine> stream, int expected) {
    this.stream = stream;
    this.expected = expected;
    this.thread = new Thread(this::consume, "berth-tck-numbers-" + COUNTER.incrementAndGet());
    this.thread.setDaemon(true);
  }

  /** Opens a follow of {@code id} on the calling thread and consumes it on a kit thread. */
  static NumberedFollower start(Runtime runtime, String id, int expected) {
    NumberedFollower follower = new NumberedFollower(runtime.logs(id, LogOptions.following()), expected);
    follower.thread.start();
    return follower;
  }

  private void consume() {
    try {
      stream.forEach(this::check);
    } catch (Throwable t) {
      failure = t;
    }
  }

  private void check(LogLine line) {
    received++;
    String wanted = Long.toString(next);
    if (line.text().equals(wanted)) {
      next++;
    } else if (firstSurprise == null) {
      firstSurprise = "'" + line.text() + "' (" + line.stream() + " at " + line.timestamp() + ") where " + wanted
          + " was due";
    }
  }

  /** Whether the stream ended within {@code limit}. */
  boolean endsWithin(Duration limit) {
    try {
      thread.join(Math.max(1, limit.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for a follow to end", e);
    }
    return !thread.isAlive();
  }

  /** True when exactly {@code 1..n} arrived, in order, once each, and the stream ended without an error. */
  boolean deliveredEveryLineOnce() {
    return !thread.isAlive() && failure == null && firstSurprise == null && received == expected
        && next == expected + 1;
  }

  long received() {
    return received;
  }

  /** What the follower saw, for the assertion message. */
  String report() {
    StringBuilder text = new StringBuilder().append(received).append(" of ").append(expected).append(" lines");
    if (next <= expected) {
      text.append(", the numbers arrived in order up to ").append(next - 1);
    }
    if (firstSurprise != null) {
      text.append(", first unexpected line ").append(firstSurprise);
    }
    if (thread.isAlive()) {
      text.append(", still following");
    }
    if (failure != null) {
      text.append(", ended with ").append(failure);
    }
    return text.toString();
  }

  /** Closes the stream and waits briefly for the consumer; never throws. */
  void close(Duration limit) {
    try {
      stream.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
    }
    if (!endsWithin(limit)) {
      thread.interrupt();
    }
  }
}
