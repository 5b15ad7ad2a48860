package dev.berth.runtime.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a value until it satisfies a condition or the kit's deadline passes; the kits never sleep blindly. */
final class Await {
  private Await() {}

  /**
   * Polls {@code probe} until {@code done} accepts its value and returns that value.
   *
   * @throws AssertionError naming {@code what} and the last value when the deadline passes
   */
  static <T> T until(KitTimeouts timeouts, String what, Supplier<T> probe, Predicate<? super T> done) {
    return until(timeouts.await(), timeouts.pollInterval(), what, probe, done);
  }

  static <T> T until(Duration limit, Duration interval, String what, Supplier<T> probe,
      Predicate<? super T> done) {
    long deadline = System.nanoTime() + limit.toNanos();
    T last;
    while (true) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Waited " + limit.toMillis() + " ms for " + what + ", but it did not happen. "
            + "Last value seen: " + last + ". (Slow machine? Raise " + KitTimeouts.FACTOR_ENV + ".)");
      }
      pause(interval);
    }
  }

  /** Polls until {@code condition} holds. */
  static void until(KitTimeouts timeouts, String what, Supplier<Boolean> condition) {
    until(timeouts, what, condition, Boolean::booleanValue);
  }

  static void pause(Duration interval) {
    LockSupport.parkNanos(interval.toNanos());
    if (Thread.currentThread().isInterrupted()) {
      throw new AssertionError("Interrupted while waiting (the test timed out or was cancelled)");
    }
  }
}
