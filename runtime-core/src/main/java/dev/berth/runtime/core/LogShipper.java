package dev.berth.runtime.core;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.shipping.ExitWatch;
import dev.berth.runtime.core.internal.shipping.LogStore;
import dev.berth.runtime.core.internal.shipping.Outages;
import dev.berth.runtime.core.internal.shipping.PassTally;
import dev.berth.runtime.core.internal.shipping.ShippingEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the new log lines of every managed bot of a {@link Runtime} to an {@link ObjectStore} every
 * interval, and a bot's at once when it stops or exits ({@link dev.berth.runtime.EventManager}), incrementally:
 * no line twice, none lost, also across restarts of the shipper (a new process resumes from the cursors it
 * finds in the store). Works with every backend, through the public API only.
 *
 * <pre>{@code
 * try (LogShipper shipper = LogShipper.builder(runtime, store).config(RuntimeConfig.fromEnvironment()).build()) {
 *   ...                                   // every 30 s (store.ship-interval) the new lines go to the store
 *   LogShipper.Report report = shipper.shipNow();
 * }                                       // close() ships what is pending, then stops; bots keep running
 * }</pre>
 *
 * <p>Layout, in bucket {@code bot-logs} ({@code store.logs-bucket}): one object per shipped chunk,
 * {@code <scope>/<bot-id>/<yyyy-MM-dd>/<sequence>.log}, each line as every stored log has it
 * ({@link dev.berth.runtime.StorageLayout#formatLogLine}), and a small cursor {@code <scope>/<bot-id>/cursor}
 * (per stream, how far it was shipped) written after each chunk; no object is ever rewritten to
 * append to it. Memory is bounded: a chunk holds at most {@code memoryBudget / concurrency} bytes, then it is
 * written and a new one begins. A failing store is retried with a growing pause and caught up later; a
 * failing bot never stops the others; deleted bots are forgotten. See {@code docs/log-shipping.md}.
 *
 * <p>Run one shipper per scope. Thread-safe; passes never overlap.
 */
public final class LogShipper implements AutoCloseable {
  /** The config key of the interval ({@code 30s}, {@code 5m}, ...). */
  public static final String INTERVAL_KEY = "store.ship-interval";
  /** The config key of the logs bucket. */
  public static final String BUCKET_KEY = "store.logs-bucket";
  /** The interval when none is configured. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  /** The most log text held at once when none is configured: 32 MiB. */
  public static final long DEFAULT_MEMORY_BUDGET = 32L << 20;
  /** How many bots are shipped at the same time when nothing else is configured. */
  public static final int DEFAULT_CONCURRENCY = 4;
  /** The longest pause between attempts while the store is down, when none is configured. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(LogShipper.class);
  private static final long MIN_CHUNK_BYTES = 16 * 1024;
  private static final long MAX_CHUNK_BYTES = 1L << 30;

  private final String scope;
  private final Duration interval;
  private final Clock clock;
  private final LogStore store;
  private final ShippingEngine engine;
  private final Outages outages;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final ExitWatch exits;
  private final ReentrantLock passLock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();

  private LogShipper(Builder builder, String scope, Duration interval, String bucket) {
    this.scope = scope;
    this.interval = interval;
    this.clock = builder.clock;
    this.store = new LogStore(builder.store, bucket, scope);
    this.workers = builder.concurrency > 1
        ? Executors.newFixedThreadPool(builder.concurrency - 1, threads("berth-log-shipper-" + scope + "-worker-"))
        : null;
    int chunkBytes = (int) (builder.memoryBudget / builder.concurrency);
    this.engine = new ShippingEngine(builder.runtime, store, builder.concurrency, chunkBytes, workers);
    this.outages = new Outages(scope, clock, interval, builder.maxBackoff);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("berth-log-shipper-" + scope));
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    this.exits = new ExitWatch(builder.runtime, scope, scheduler, this::shipEnded);
    LOG.info("Shipping bot logs of scope '{}' ({} runtime) to {}/{} every {} s", scope, builder.runtime.type(),
        builder.store, bucket, interval.toSeconds());
  }

  /** A builder for a shipper of {@code runtime}'s bots to {@code store}. */
  public static Builder builder(Runtime runtime, ObjectStore store) {
    return new Builder(runtime, store);
  }

  /**
   * A shipper to the store {@code config} configures ({@link ObjectStores#fromConfig}), or empty, with one
   * warning saying so, when {@code store.type=none}: bots run as before, their logs are just not copied.
   */
  public static Optional<LogShipper> fromConfig(Runtime runtime, RuntimeConfig config) {
    Optional<ObjectStore> store = ObjectStores.fromConfig(config);
    if (store.isEmpty()) {
      LOG.warn("Bot logs of scope '{}' are not shipped: no object store is configured (store.type=none). Set "
          + "store.type=filesystem or pass a MinIO store to LogShipper.builder to keep them.", config.scope());
      return Optional.empty();
    }
    return Optional.of(builder(runtime, store.get()).config(config).build());
  }

  /** The scope whose bots this shipper ships; it names the keys. */
  public String scope() {
    return scope;
  }

  /** The time between passes. */
  public Duration interval() {
    return interval;
  }

  /**
   * Ships every bot's new lines now, waiting for a pass that is running to end first. Ignores the pause
   * that follows a store outage.
   *
   * @throws RuntimeOperationException when the shipper is closed
   */
  public Report shipNow() {
    if (closed.get()) {
      throw new RuntimeOperationException("This LogShipper (scope '" + scope + "') is closed; build a new one "
          + "to ship logs again (it resumes from the cursors in the store).");
    }
    return pass();
  }

  /** The scheduled pass: skipped while the store is down and its next attempt has not come. */
  Optional<Report> tick() {
    try {
      if (!outages.mayAttempt()) {
        LOG.debug("Log shipping of scope '{}' waits for the store until {}", scope, outages.nextAttempt());
        return Optional.empty();
      }
      return Optional.of(pass());
    } catch (RuntimeException e) {
      LOG.warn("A log shipping pass of scope '{}' failed; the next one runs in {} s", scope,
          interval.toSeconds(), e);
      return Optional.empty();
    }
  }

  /** Ships bots that stopped or exited; in the store's backoff the next scheduled pass does. */
  private void shipEnded(List<String> ended) {
    try {
      if (!closed.get() && outages.mayAttempt()) {
        pass(() -> engine.passOf(ended));
      }
    } catch (RuntimeException e) {
      LOG.warn("Shipping the logs of bots of scope '{}' that ended failed; the next pass ships them", scope, e);
    }
  }

  private Report pass() {
    return pass(engine::pass);
  }

  private Report pass(java.util.function.Supplier<PassTally> body) {
    passLock.lock();
    try {
      Instant started = clock.instant();
      long nanos = System.nanoTime();
      PassTally tally = body.get();
      Duration took = Duration.ofNanos(System.nanoTime() - nanos);
      outages.record(tally, started);
      Report report = Report.of(started, took, tally);
      LOG.debug("Log shipping pass of scope '{}': {}", scope, report);
      return report;
    } finally {
      passLock.unlock();
    }
  }

  /**
   * Ships what is pending one last time, then stops the shipper's threads. Never touches the bots, which keep
   * running; a later shipper resumes from the stored cursors. Close it before the runtime. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    exits.close();
    scheduler.shutdown();
    try {
      Report last = pass();
      if (!last.isComplete()) {
        LOG.warn("The last log shipping pass of scope '{}' did not ship everything ({}); a later shipper resumes "
            + "from the stored cursors", scope, last);
      }
    } catch (RuntimeException e) {
      LOG.warn("The last log shipping pass of scope '{}' failed", scope, e);
    } finally {
      if (workers != null) {
        workers.shutdown();
      }
      awaitTermination(scheduler);
      if (workers != null) {
        awaitTermination(workers);
      }
    }
  }

  private static void awaitTermination(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      String name = prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix;
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "LogShipper[scope=" + scope + ", " + store.bucket() + ", every " + interval + "]";
  }

  /**
   * What one pass did.
   *
   * @param startedAt when it began (by the shipper's clock)
   * @param took how long it ran
   * @param bots the managed bots listed
   * @param botsShipped the bots that had new lines, all or some of which were shipped
   * @param lines the lines shipped
   * @param bytes the bytes of chunk objects written
   * @param chunks the chunk objects written (each followed by a cursor write)
   * @param storeCalls every call to the store: reads of cursors, writes of chunks and cursors
   * @param forgottenBots bots shipped before and no longer listed (deleted); their objects stay
   * @param deferredBots bots not tried because the store was down; their lines wait for a later pass
   * @param failures bots that failed, with the reason
   * @param stoppedBy why the pass could not ship everything it tried: the store or the runtime failing
   */
  public record Report(Instant startedAt, Duration took, int bots, int botsShipped, long lines, long bytes,
      int chunks, long storeCalls, int forgottenBots, int deferredBots, Map<String, String> failures,
      Optional<String> stoppedBy) {
    public Report {
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(took, "took");
      failures = Map.copyOf(failures);
      Objects.requireNonNull(stoppedBy, "stoppedBy");
    }

    static Report of(Instant startedAt, Duration took, PassTally tally) {
      Optional<String> stoppedBy = tally.runtimeProblem().or(tally::storeOutage);
      return new Report(startedAt, took, tally.bots(), tally.botsShipped(), tally.lines(), tally.bytes(),
          tally.chunks(), tally.storeCalls(), tally.forgotten(), tally.deferred(), tally.failures(), stoppedBy);
    }

    /** Whether every bot's new lines were shipped. */
    public boolean isComplete() {
      return failures.isEmpty() && deferredBots == 0 && stoppedBy.isEmpty();
    }
  }

  /** Builder for {@link LogShipper}; every setting but the runtime and the store is optional. */
  public static final class Builder {
    private final Runtime runtime;
    private final ObjectStore store;
    private RuntimeConfig config = RuntimeConfig.empty();
    private String scope;
    private Duration interval;
    private String bucket;
    private Clock clock = Clock.systemUTC();
    private long memoryBudget = DEFAULT_MEMORY_BUDGET;
    private int concurrency = DEFAULT_CONCURRENCY;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

    private Builder(Runtime runtime, ObjectStore store) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Reads {@code scope}, {@value #INTERVAL_KEY} and {@value #BUCKET_KEY}; explicit settings win. */
    public Builder config(RuntimeConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The runtime's scope (default: the config's, else {@code default}); keys start with it. */
    public Builder scope(String scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /** The time between passes; default {@value #INTERVAL_KEY} of the config, else 30 s. */
    public Builder interval(Duration interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** The bucket; default {@value #BUCKET_KEY} of the config, else {@link ObjectStore#LOGS_BUCKET}. */
    public Builder bucket(String bucket) {
      this.bucket = Objects.requireNonNull(bucket, "bucket");
      return this;
    }

    /** The clock that times passes and backoff; for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The most log text held at once, in bytes (default 32 MiB): each of the {@link #concurrency} workers
     * fills one chunk of at most {@code memoryBudget / concurrency} bytes (16 KiB to 1 GiB) before writing it.
     */
    public Builder memoryBudget(long bytes) {
      this.memoryBudget = bytes;
      return this;
    }

    /** How many bots are shipped at the same time (default 4); 1 ships them one by one. */
    public Builder concurrency(int workers) {
      this.concurrency = workers;
      return this;
    }

    /** The longest pause between attempts while the store is down (default 5 minutes). */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * Starts the shipper; its first pass runs one interval from now (or on {@link #shipNow()}).
     *
     * @throws InvalidSpecException listing every bad setting
     * @throws dev.berth.runtime.InvalidConfigException for a bad config value, naming the key
     */
    public LogShipper build() {
      String resolvedScope = scope != null ? RuntimeConfig.of(Map.of("scope", scope)).scope() : config.scope();
      Duration resolvedInterval = interval != null ? interval : config.getDuration(INTERVAL_KEY, DEFAULT_INTERVAL);
      String resolvedBucket = bucket != null ? bucket : config.get(BUCKET_KEY, ObjectStore.LOGS_BUCKET);
      List<String> problems = new ArrayList<>();
      if (resolvedInterval.isNegative() || resolvedInterval.toMillis() < 1) {
        problems.add((interval != null ? "interval" : INTERVAL_KEY) + ": " + resolvedInterval
            + " is not positive; give e.g. 30s");
      }
      if (concurrency < 1 || concurrency > 64) {
        problems.add("concurrency: " + concurrency + " is out of range; use 1 to 64");
      } else if (memoryBudget / concurrency < MIN_CHUNK_BYTES || memoryBudget / concurrency > MAX_CHUNK_BYTES) {
        problems.add("memoryBudget: " + memoryBudget + " bytes for " + concurrency + " workers gives chunks of "
            + memoryBudget / concurrency + " bytes; give 16 KiB to 1 GiB per worker");
      }
      if (maxBackoff.isNegative() || maxBackoff.isZero()) {
        problems.add("maxBackoff: " + maxBackoff + " is not positive; give e.g. 5 minutes");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSpecException("LogShipper", problems);
      }
      return new LogShipper(this, resolvedScope, resolvedInterval, resolvedBucket);
    }
  }
}
