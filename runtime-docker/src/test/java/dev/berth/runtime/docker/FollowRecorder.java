package dev.berth.runtime.docker;

import dev.berth.runtime.LogLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads a follow on a thread of its own and records what it delivered and how it ended (at its end or
 * with an exception), so a test can break the engine under it and then judge the follow.
 */
final class FollowRecorder implements AutoCloseable {
  private final Stream<LogLine> follow;
  private final List<LogLine> lines = new ArrayList<>();
  private final Thread reader;
  private volatile boolean ended;
  private volatile RuntimeException failure;

  FollowRecorder(Stream<LogLine> follow, String name) {
    this.follow = follow;
    this.reader = new Thread(this::read, "berth-test-follow-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try {
      follow.forEachOrdered(line -> {
        synchronized (lines) {
          lines.add(line);
        }
      });
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      ended = true;
    }
  }

  /** What was delivered so far. */
  List<LogLine> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  boolean ended() {
    return ended;
  }

  /** The exception the follow ended with; empty while it runs or when it ended normally. */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Closes the follow and waits for the reader. */
  @Override
  public void close() {
    follow.close();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
