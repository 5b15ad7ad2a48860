package dev.berth.runtime.core.internal.shipping;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the store and the runtime across passes: says once at warn when either stops answering and once
 * at info when it is back, and spaces scheduled passes out while the store is down (the interval, then
 * doubling, capped), so an outage costs a few calls, not a few per bot per interval.
 */
public final class Outages {
  private static final Logger LOG = LoggerFactory.getLogger(Outages.class);

  private final String scope;
  private final Clock clock;
  private final Duration interval;
  private final Duration maxBackoff;
  private Instant storeDownSince;
  private int failedPasses;
  private Instant nextAttempt;
  private Instant runtimeDownSince;

  public Outages(String scope, Clock clock, Duration interval, Duration maxBackoff) {
    this.scope = scope;
    this.clock = clock;
    this.interval = interval;
    this.maxBackoff = maxBackoff.compareTo(interval) < 0 ? interval : maxBackoff;
  }

  /** Whether a scheduled pass should run now, or wait out the store's backoff. */
  public synchronized boolean mayAttempt() {
    return nextAttempt == null || !clock.instant().isBefore(nextAttempt);
  }

  /** When the next scheduled pass will try the store again, while it is down. */
  public synchronized Optional<Instant> nextAttempt() {
    return Optional.ofNullable(nextAttempt);
  }

  /** Takes in a pass that started at {@code started}. */
  public synchronized void record(PassTally tally, Instant started) {
    recordRuntime(tally, started);
    Optional<String> outage = tally.storeOutage();
    if (outage.isPresent()) {
      failedPasses++;
      Duration wait = backoff(failedPasses);
      nextAttempt = started.plus(wait);
      if (storeDownSince == null) {
        storeDownSince = started;
        LOG.warn("Bot logs of scope '{}' cannot be shipped: {}. Bots keep running and their cursors are kept; "
            + "shipping is retried after {} s (then less and less often, at least every {} s) and catches up "
            + "when the store answers.", scope, outage.get(), wait.toSeconds(), maxBackoff.toSeconds());
      } else {
        LOG.debug("The object store is still down for scope '{}': {}", scope, outage.get());
      }
    } else if (tally.runtimeProblem().isEmpty()) {
      if (storeDownSince != null) {
        LOG.info("The object store answers again; bot logs of scope '{}' are shipped again after {} s of outage",
            scope, Duration.between(storeDownSince, clock.instant()).toSeconds());
      }
      storeDownSince = null;
      failedPasses = 0;
      nextAttempt = null;
    }
  }

  private void recordRuntime(PassTally tally, Instant started) {
    Optional<String> problem = tally.runtimeProblem();
    if (problem.isPresent() && runtimeDownSince == null) {
      runtimeDownSince = started;
      LOG.warn("Bot logs of scope '{}' cannot be shipped: {}. Retried every pass.", scope, problem.get());
    } else if (problem.isEmpty() && runtimeDownSince != null) {
      LOG.info("The runtime answers again; bot logs of scope '{}' are shipped again", scope);
      runtimeDownSince = null;
    }
  }

  /** The interval after the first failed pass, doubling after each further one, at most the cap. */
  private Duration backoff(int failures) {
    Duration wait = interval;
    for (int i = 1; i < failures && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }
}
