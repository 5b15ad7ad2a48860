package dev.berth.runtime.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a value until it satisfies a condition or the kit's deadline passes; the kits never sleep blindly.
 *
 * <p>A failure blames time only when time was the problem. A wait that can tell the value has settled where
 * no more waiting helps (a bot in a final state other than the one awaited, a follow that has ended) fails
 * at once, saying why and without suggesting {@value KitTimeouts#FACTOR_ENV}; only a wait that ran out of
 * time while the outcome was still open suggests raising it.
 */
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
    return until(limit, interval, what, probe, done, value -> Optional.empty(), Duration.ZERO);
  }

  /**
   * As {@link #until(KitTimeouts, String, Supplier, Predicate)}, failing at once when {@code settled} says
   * why the value will not change any more; {@code settled} has to hold for {@code confirm} in a row first
   * (zero: at once), for values that may still lag a little behind a final state.
   */
  static <T> T until(KitTimeouts timeouts, String what, Supplier<T> probe, Predicate<? super T> done,
      Function<? super T, Optional<String>> settled, Duration confirm) {
    return until(timeouts.await(), timeouts.pollInterval(), what, probe, done, settled, confirm);
  }

  private static <T> T until(Duration limit, Duration interval, String what, Supplier<T> probe,
      Predicate<? super T> done, Function<? super T, Optional<String>> settled, Duration confirm) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    long settledSince = 0;
    boolean settling = false;
    while (true) {
      T last = probe.get();
      if (done.test(last)) {
        return last;
      }
      Optional<String> why = settled.apply(last);
      long now = System.nanoTime();
      if (why.isEmpty()) {
        settling = false;
      } else if (!settling) {
        settling = true;
        settledSince = now;
      }
      if (why.isPresent() && now - settledSince >= confirm.toNanos()) {
        throw new AssertionError(notHappening(what, why.get(), last));
      }
      if (now - deadline > 0) {
        throw new AssertionError(timedOut(limit, what, last));
      }
      pause(interval);
    }
  }

  /** The message of a wait that ran out of time: the only one that suggests a larger timeout factor. */
  static String timedOut(Duration limit, String what, Object last) {
    return "Waited " + limit.toMillis() + " ms for " + what + ", but it did not happen in time. Last value seen: "
        + last + ". (A timeout: on a slow machine, raise " + KitTimeouts.FACTOR_ENV + ".)";
  }

  /** The message of a wait that cannot succeed any more; time is not the problem, so it suggests no factor. */
  static String notHappening(String what, String why, Object last) {
    return "Waited for " + what + ", but it will not happen: " + why + ". Last value seen: " + last + ".";
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
