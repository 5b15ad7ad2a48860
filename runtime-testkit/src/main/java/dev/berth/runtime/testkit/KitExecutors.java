package dev.berth.runtime.testkit;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/** Kit-owned threads: named {@code berth-tck-…} (so leak checks ignore them) and daemon. */
final class KitExecutors {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private KitExecutors() {}

  /** Runs each task on a new daemon thread. */
  static Executor daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, "berth-tck-" + name + "-" + COUNTER.incrementAndGet());
      thread.setDaemon(true);
      thread.start();
    };
  }
}
