package dev.berth.runtime.local;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Keeps a periodic task alive: a {@code scheduleWithFixedDelay} task that throws once is never run again, so
 * one transient failure (too many open files, a directory briefly missing) would end supervision for good.
 * Failures are logged at WARN once per distinct message (a lasting problem does not flood the log), then at
 * DEBUG.
 */
final class PeriodicGuard {
  private static final int MAX_REMEMBERED = 64;

  private final Logger log;
  private final String what;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  PeriodicGuard(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  /** Runs {@code body}, logging instead of propagating whatever it throws. */
  void run(Runnable body) {
    try {
      body.run();
    } catch (Throwable e) {
      String message = e.toString();
      if (reported.size() < MAX_REMEMBERED && reported.add(message)) {
        log.warn("{} failed; it is retried on the next round (reported once): {}", what, message, e);
      } else {
        log.debug("{} failed again: {}", what, message);
      }
    }
  }
}
