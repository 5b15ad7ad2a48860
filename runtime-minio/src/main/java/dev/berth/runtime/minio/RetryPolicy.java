package dev.berth.runtime.minio;

import dev.berth.runtime.InvalidConfigException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a transient failure is retried: attempt {@code n} (from 1) waits
 * {@code min(maxBackoff, initialBackoff * 2^(n-1))}, jittered down by up to half so that many clients hitting
 * one recovering server do not retry in lock step.
 *
 * @param maxAttempts tries in all, including the first; 1 disables retries
 */
record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));

  RetryPolicy {
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new InvalidConfigException("retries", "MinioObjectStore.builder().retries(" + maxAttempts
          + ", ...) needs 1..20 attempts in all (1 turns retries off)");
    }
    if (initialBackoff == null || initialBackoff.isNegative() || maxBackoff == null
        || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidConfigException("retries", "MinioObjectStore.builder().retries(..., " + initialBackoff
          + ") needs a backoff of zero or more, at most the maximum backoff " + maxBackoff);
    }
  }

  /** The pause before attempt {@code attempt + 1}, after {@code attempt} failures. */
  Duration backoff(int attempt) {
    long initial = initialBackoff.toMillis();
    long ceiling = initial << Math.min(attempt - 1, 20);
    long capped = Math.min(maxBackoff.toMillis(), ceiling < 0 ? Long.MAX_VALUE : ceiling);
    long jitter = capped / 2 == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(capped - jitter);
  }
}
