package dev.berth.runtime.core.internal;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a runtime or backtest runner knows of its object store: none configured, answering, or down. It says
 * so once at warn when it starts without a store, or finds the store down (checked on a short-lived thread
 * at start, so a store that does not answer never delays a start, and again by every failing write), and
 * once at info when the store answers again.
 *
 * <p>While the store is down, writes that may be skipped (a backtest's result and log) are skipped rather
 * than each waiting out the store's retries: {@link #available()} is empty for a pause ({@value
 * #FIRST_PAUSE_SECONDS} s, doubling after each further failure, at most {@value #MAX_PAUSE_SECONDS} s), then
 * the next write tries the store again, and the first that succeeds ends the outage.
 */
public final class StoreAccess implements AutoCloseable {
  static final long FIRST_PAUSE_SECONDS = 5;
  static final long MAX_PAUSE_SECONDS = 60;
  /** The key the start-up check looks for; it need not exist. */
  static final String PROBE_KEY = "berth-store-check";

  private static final Logger LOG = LoggerFactory.getLogger(StoreAccess.class);

  private final Optional<ObjectStore> store;
  private final String owner;
  private final String whenDown;
  private final boolean pauses;
  private final Clock clock;
  private final Duration firstPause;
  private final Duration maxPause;
  private Thread probe;
  private Instant downSince;
  private String reason = "";
  private int failures;
  private Instant nextAttempt;
  private long outcomes;

  StoreAccess(Optional<ObjectStore> store, String owner, String whenDown, boolean pauses, Clock clock,
      Duration firstPause, Duration maxPause) {
    this.store = Objects.requireNonNull(store, "store");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.whenDown = Objects.requireNonNull(whenDown, "whenDown");
    this.pauses = pauses;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.firstPause = firstPause;
    this.maxPause = maxPause;
  }

  /**
   * Starts watching {@code store}: without one, warns at once; with one, checks it on a thread named
   * {@code berth-store-check-<thread>} that ends when the check does (or at {@link #close()}).
   *
   * @param owner who is affected, as a sentence subject: {@code The local runtime of scope 'research'}
   * @param whenNone what does not work without a store, e.g. {@code bots with CodeBundle.stored code cannot
   *     be created}
   * @param whenDown what does not work while the store is down, and what happens instead
   * @param pauses whether {@link #available()} pauses the store after failures (writes that may be skipped),
   *     which the warning then tells
   * @param thread the end of the check thread's name, e.g. {@code local-runtime-research}
   */
  public static StoreAccess start(Optional<ObjectStore> store, String owner, String whenNone, String whenDown,
      boolean pauses, String thread) {
    StoreAccess access = new StoreAccess(store, owner, whenDown, pauses, Clock.systemUTC(),
        Duration.ofSeconds(FIRST_PAUSE_SECONDS), Duration.ofSeconds(MAX_PAUSE_SECONDS));
    if (store.isEmpty()) {
      LOG.warn("{} has no object store (store.type=none): {}. Set store.type (filesystem or minio), or give the "
          + "builder an object store, to change that.", owner, whenNone);
    } else {
      access.startProbe("berth-store-check-" + thread);
    }
    return access;
  }

  /**
   * The access of a runtime (bots): only bots with stored code need the store, and each of their creates
   * tries it, so a store that comes back is used at once.
   */
  public static StoreAccess forRuntime(Optional<ObjectStore> store, String type, String scope) {
    return start(store, "The " + type + " runtime of scope '" + scope + "'", "bots with CodeBundle.stored code "
        + "cannot be created; other bots run as usual", "creating a bot with CodeBundle.stored code fails, and "
        + "each such create tries the store again; other bots run as usual", false, type + "-runtime-" + scope);
  }

  /** The access of a backtest runner: it stores results and logs while the store answers. */
  public static StoreAccess forBacktests(Optional<ObjectStore> store, String type, String scope) {
    return start(store, "The " + type + " backtest runner of scope '" + scope + "'", "results and logs of "
        + "backtests are returned in memory only, not stored, and backtests with CodeBundle.stored code cannot "
        + "run", "results and logs of backtests are returned in memory only, not stored, and backtests with "
        + "CodeBundle.stored code fail to start", true, type + "-backtests-" + scope);
  }

  /** The configured store, whether or not it answers. */
  public Optional<ObjectStore> store() {
    return store;
  }

  /** The store, unless it is down and its pause has not passed yet. */
  public synchronized Optional<ObjectStore> available() {
    return downSince == null || !clock.instant().isBefore(nextAttempt) ? store : Optional.empty();
  }

  /** While the store is down: since when and why, for messages. */
  public synchronized Optional<String> outage() {
    return downSince == null ? Optional.empty()
        : Optional.of("the object store has not answered since " + downSince + " (" + reason + ")");
  }

  /** Records a call that worked: ends an outage. */
  public synchronized void succeeded() {
    outcomes++;
    if (downSince != null) {
      LOG.info("{} reaches its object store {} again after {} s; what was disabled works again", owner,
          store.orElseThrow(), Duration.between(downSince, clock.instant()).toSeconds());
      downSince = null;
      failures = 0;
      nextAttempt = null;
    }
  }

  /** Records a call that failed: the store counts as down until a later call works. */
  public void failed(BerthException failure) {
    recordFailure(failure.getMessage(), true);
  }

  private synchronized void recordFailure(String why, boolean counts) {
    if (counts) {
      outcomes++;
    }
    failures++;
    Duration pause = firstPause;
    for (int i = 1; i < failures && pause.compareTo(maxPause) < 0; i++) {
      pause = pause.multipliedBy(2);
    }
    pause = pause.compareTo(maxPause) > 0 ? maxPause : pause;
    nextAttempt = pauses ? clock.instant().plus(pause) : clock.instant();
    reason = why.endsWith(".") ? why.substring(0, why.length() - 1) : why;
    if (downSince == null) {
      downSince = clock.instant();
      LOG.warn("{} cannot use its object store {}: {}. Meanwhile {}{}.", owner, store.orElseThrow(), reason,
          whenDown, pauses ? "; storing is tried again after " + pause.toSeconds() + " s, then less often (at "
              + "least every " + maxPause.toSeconds() + " s)" : "");
    } else {
      LOG.debug("{}: the object store is still down: {}", owner, why);
    }
  }

  private void startProbe(String name) {
    Thread thread = new Thread(this::probe, name);
    thread.setDaemon(true);
    synchronized (this) {
      probe = thread;
    }
    thread.start();
  }

  /** Runs the start-up check on the calling thread; what real calls found meanwhile wins. */
  void probe() {
    long before;
    synchronized (this) {
      before = outcomes;
    }
    try {
      store.orElseThrow().exists(ObjectStore.RESULTS_BUCKET, PROBE_KEY);
      LOG.debug("{} reaches its object store {}", owner, store.orElseThrow());
    } catch (RuntimeException e) { // a store of another library may throw anything
      synchronized (this) {
        if (outcomes == before && !Thread.currentThread().isInterrupted()) {
          recordFailure(e instanceof BerthException ? e.getMessage() : e.toString(), false);
        }
      }
    } finally {
      synchronized (this) {
        if (probe == Thread.currentThread()) {
          probe = null;
        }
      }
    }
  }

  /** Ends a check that is still running. */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      running = probe;
    }
    if (running != null) {
      running.interrupt();
      try {
        running.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
