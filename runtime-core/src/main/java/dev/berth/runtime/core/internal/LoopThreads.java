package dev.berth.runtime.core.internal;

import java.time.Duration;
import org.slf4j.Logger;

/** The end of a background loop's thread, shared by the loops that stop on {@code close()}. */
public final class LoopThreads {
  private LoopThreads() {}

  /**
   * Waits up to {@code limit} for {@code thread} to end once it was told to stop, unless the caller is that
   * thread; says at WARN when it did not, naming {@code stuck} as the likely cause.
   */
  public static void awaitEnd(Thread thread, Duration limit, Logger log, String stuck) {
    if (!thread.isAlive() || Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(limit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("The thread {} did not end within {} s; {}", thread.getName(), limit.toSeconds(), stuck);
    }
  }
}
