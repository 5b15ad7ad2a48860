package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.core.fleet.ReconcileReport.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a fleet of bots as a desired state says, on any {@link Runtime}: a pass lists the bots of this
 * reconciler's scope (or segments), creates and starts the missing ones, deletes the ones no longer desired,
 * recreates those whose spec changed, starts the stopped ones and restarts the failed ones as their restart
 * policy says, with backoff. Passes run on the reconciler's own thread every interval, shortly after the
 * runtime reports an exit (where it has an {@link EventManager}), and on demand.
 *
 * <pre>{@code
 * try (Reconciler reconciler = Reconciler.builder(runtime, () -> botRepository.desiredSpecs())
 *     .interval(Duration.ofSeconds(30))
 *     .build()
 *     .start()) {
 *   ReconcileReport report = reconciler.reconcileNow();    // or let it run on its own
 *   log.info("{}", report.summary());
 * }                                                          // close() stops it; the bots keep running
 * }</pre>
 *
 * <p>Change detection: each bot carries label {@value BotFilter#SPEC_HASH_LABEL}, the {@link #specHash} of the
 * desired spec it was created from; a pass recreates a bot whose desired spec hashes differently. Ownership:
 * a pass deletes only bots that carry that label, so bots created by hand in the scope are left alone. Restart
 * policies are applied by the reconciler, the same way on every backend: the runtime gets each bot with policy
 * NEVER, and a failed bot is started again as its policy says, at once the first time, then after 1 s, 2 s,
 * 4 s ... up to 5 minutes; after 5 failures in a row it is crash-looping. A bot that stopped is started again
 * (a desired bot is meant to run), with the same backoff. Bots are not restarted while no reconciler runs.
 *
 * <p>Sharding: {@link Builder#segments(int, int...)} splits the fleet into segments ({@link Segments}), labels
 * each bot with {@value BotFilter#SEGMENT_LABEL}, and makes this reconciler manage only its own; reconcilers of
 * disjoint segments share one scope without touching each other's bots. Thread-safe; passes never overlap.
 * See {@code docs/fleet.md}.
 */
public final class Reconciler implements AutoCloseable {
  /** The time between passes when none is configured. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  /** How many bots are acted on at the same time when nothing else is configured. */
  public static final int DEFAULT_CONCURRENCY = 4;
  /** How many events a subscriber's queue holds before events are dropped, when none is configured. */
  public static final int DEFAULT_EVENT_QUEUE_CAPACITY = 16_384;

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Settings settings;
  private final Supervision supervision;
  private final EventHub events;
  private final ExecutorService workers;
  private final List<Thread> workerThreads = new CopyOnWriteArrayList<>();
  private final Pass pass;
  private final ReconcileLoop loop;
  private final ReentrantLock passLock = new ReentrantLock();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ReconcileReport lastReport;

  Reconciler(Settings settings) {
    this.settings = settings;
    this.supervision = new Supervision(settings.initialBackoff(), settings.maxBackoff(), settings.crashLoopAfter(),
        settings.stableAfter());
    String threads = "berth-reconciler-" + settings.name();
    this.events = new EventHub(threads, settings.eventQueueCapacity());
    this.workers = settings.concurrency() > 1 && !settings.dryRun()
        ? Executors.newFixedThreadPool(settings.concurrency() - 1,
            ReconcileLoop.daemonThreads(threads + "-worker-", workerThreads)) : null;
    this.pass = new Pass(settings, supervision, new Notifier(settings.listeners(), events, settings.clock()),
        workers, closed::get);
    this.loop = new ReconcileLoop(settings, supervision, this::runPass);
  }

  /**
   * A builder for a reconciler of {@code runtime}'s bots towards {@code desired}, which every pass calls once
   * (e.g. a database query). A supplier that throws or returns null makes the pass stop before it acts: a
   * failing query never deletes the fleet.
   */
  public static Builder builder(Runtime runtime, Supplier<? extends Collection<BotSpec>> desired) {
    return new Builder(runtime, desired);
  }

  /**
   * The value of label {@value BotFilter#SPEC_HASH_LABEL} for a bot created from {@code spec}: 16 hex digits of
   * a SHA-256 over a canonical form of the spec, the same in every JVM and release. It ignores the label itself
   * and the registry credentials, and counts a code bundle by its location, not its contents.
   */
  public static String specHash(BotSpec spec) {
    return SpecHash.of(Objects.requireNonNull(spec, "spec"));
  }

  /**
   * Starts the reconciler's thread: a first pass at once, then one every interval, and one shortly after the
   * runtime reports that a bot exited or was removed. Idempotent.
   *
   * @return this reconciler
   * @throws RuntimeClosedException when it is closed
   */
  public Reconciler start() {
    requireOpen();
    if (started.compareAndSet(false, true)) {
      boolean onEvents = settings.reactToEvents() && loop.subscribeToRuntimeEvents();
      loop.start();
      LOG.info("Reconciling {} every {} s{}", settings.name(), settings.interval().toSeconds(),
          onEvents ? " and on the runtime's bot events" : "");
    }
    return this;
  }

  /**
   * Runs a pass now, on the calling thread, after a pass that is running has ended.
   *
   * @return what the pass did
   * @throws RuntimeClosedException when the reconciler is closed
   */
  public ReconcileReport reconcileNow() {
    requireOpen();
    return runPass(Trigger.DEMAND);
  }

  /** The report of the last pass that ended, if any ran yet. */
  public Optional<ReconcileReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  /**
   * Delivers every {@link FleetEvent} from now on to {@code listener}, in order, on a thread of its own. The
   * events wait in a bounded queue: when the listener falls that far behind, new events are dropped and
   * counted ({@link Subscription#dropped()}), and the reconciler never waits. A listener that throws is logged
   * and keeps receiving.
   *
   * @throws RuntimeClosedException when the reconciler is closed
   */
  public Subscription subscribe(Consumer<FleetEvent> listener) {
    requireOpen();
    return events.subscribe(listener);
  }

  /** How many events were dropped because a subscriber's queue was full, over all subscribers. */
  public long droppedEvents() {
    return events.dropped();
  }

  /** The segments this reconciler owns; empty when it owns every bot of its runtime's scope. */
  public Set<String> segments() {
    return settings.segments();
  }

  /** The time between passes. */
  public Duration interval() {
    return settings.interval();
  }

  /**
   * Stops the thread (a pass that is running stops before its next step), the workers and the event
   * subscriptions. Never touches a bot: they keep running, and a later reconciler takes them over. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    loop.stop();
    if (workers != null) {
      workers.shutdown();
      try {
        if (workers.awaitTermination(30, TimeUnit.SECONDS)) {
          for (Thread worker : workerThreads) {
            worker.join(TimeUnit.SECONDS.toMillis(1));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    events.close();
  }

  @Override
  public String toString() {
    return "Reconciler[" + settings.name() + ", every " + settings.interval()
        + (settings.dryRun() ? ", dry run" : "") + (closed.get() ? ", closed" : "") + "]";
  }

  /** The number of bots whose restart bookkeeping the reconciler holds; for tests. */
  int supervisedBots() {
    return supervision.size();
  }

  private ReconcileReport runPass(Trigger trigger) {
    passLock.lock();
    try {
      ReconcileReport report = pass.run(trigger);
      lastReport = report;
      loop.passEnded(report.startedAt());
      return report;
    } finally {
      passLock.unlock();
    }
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new RuntimeClosedException("This reconciler (" + settings.name() + ") is closed; build a new one. "
          + "Its bots keep running and the new reconciler manages them.");
    }
  }

  /** An open subscription to a reconciler's {@link FleetEvent}s. */
  public interface Subscription extends AutoCloseable {
    /** How many events this subscriber missed because its queue was full. */
    long dropped();

    /** Stops delivery and ends the subscriber's thread; events still queued are not delivered. Idempotent. */
    @Override
    void close();
  }

  /**
   * Builder for {@link Reconciler}; every setting but the runtime and the desired state is optional. Settings
   * are checked together in {@link #build()}.
   */
  public static final class Builder {
    final Runtime runtime;
    final Supplier<? extends Collection<BotSpec>> desired;
    String name;
    Duration interval = DEFAULT_INTERVAL;
    int segmentCount;
    final Set<String> segments = new TreeSet<>();
    final List<String> segmentProblems = new ArrayList<>();
    int concurrency = DEFAULT_CONCURRENCY;
    boolean dryRun;
    Duration initialBackoff = Duration.ofSeconds(1);
    Duration maxBackoff = Duration.ofMinutes(5);
    int crashLoopAfter = 5;
    Duration stableAfter = Duration.ofMinutes(10);
    Clock clock = Clock.systemUTC();
    final List<ReconcileListener> listeners = new ArrayList<>();
    int eventQueueCapacity = DEFAULT_EVENT_QUEUE_CAPACITY;
    boolean reactToEvents = true;
    Duration eventDelay = Duration.ofMillis(250);

    private Builder(Runtime runtime, Supplier<? extends Collection<BotSpec>> desired) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      this.desired = Objects.requireNonNull(desired, "desired");
    }

    /** Names the reconciler in logs and thread names; default the runtime's type and the segments. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The time between passes (default 30 s); events and backoff ends run passes in between. */
    public Builder interval(Duration interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Splits the fleet into {@code count} segments and makes this reconciler own {@code owned} of them: a
     * desired bot belongs to segment {@link Segments#of Segments.of(id, count)} unless its spec sets label
     * {@value BotFilter#SEGMENT_LABEL} itself, and is labelled with it.
     *
     * <pre>{@code
     * Reconciler.builder(runtime, desired).segments(4, 0, 1).build();   // this process runs segments 0 and 1
     * }</pre>
     */
    public Builder segments(int count, int... owned) {
      segmentCount = count;
      if (count < 1) {
        segmentProblems.add("segments: the count " + count + " is not positive; give the number of segments the "
            + "fleet is split into, e.g. 4");
      } else if (owned.length == 0) {
        segmentProblems.add("segments: no segment of " + count + " is owned; give e.g. segments(" + count + ", 0)");
      }
      for (int segment : owned) {
        if (segment < 0 || segment >= count) {
          segmentProblems.add("segments: " + segment + " is not a segment of " + count + "; give 0 to "
              + (count - 1));
        }
        segments.add(Integer.toString(segment));
      }
      return this;
    }

    /**
     * Makes this reconciler own the bots whose label {@value BotFilter#SEGMENT_LABEL} has one of these values;
     * for fleets whose specs carry their segment themselves (e.g. {@code eu}, {@code us}). Desired specs
     * without the label belong to no reconciler of this kind.
     */
    public Builder segments(String... owned) {
      for (String segment : owned) {
        if (segment == null || segment.isBlank()) {
          segmentProblems.add("segments: a segment name is blank; give names such as 'eu'");
        } else {
          segments.add(segment);
        }
      }
      if (owned.length == 0) {
        segmentProblems.add("segments: none given; name at least one, e.g. segments(\"eu\")");
      }
      return this;
    }

    /** How many bots are acted on at the same time (default 4, at most 64); 1 acts on them one by one. */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /** Plans every pass without acting: the reports say what would be done. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * The restart backoff: no wait after a bot's first exit or failed action, then {@code initial}, doubling
     * to {@code max} (defaults 1 s and 5 minutes).
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * After how many exits or failed actions in a row a bot counts as crash-looping (default 5), and how long
     * it must then run for its count to start again (default 10 minutes).
     */
    public Builder crashLoop(int after, Duration stableAfter) {
      this.crashLoopAfter = after;
      this.stableAfter = Objects.requireNonNull(stableAfter, "stableAfter");
      return this;
    }

    /** The clock of backoff and reports; for tests, e.g. {@code MockEngine.clock()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds a listener called on every pass and action, e.g. a metrics binding. */
    public Builder listener(ReconcileListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** How many events each subscriber's queue holds before new ones are dropped (default 16,384). */
    public Builder eventQueueCapacity(int capacity) {
      this.eventQueueCapacity = capacity;
      return this;
    }

    /**
     * Whether the reconciler reacts to the runtime's bot events (default true, where the runtime has an
     * {@link EventManager}), and how long it waits after one for more to arrive before it runs a pass (default
     * 250 ms).
     */
    public Builder reactToEvents(boolean react, Duration delay) {
      this.reactToEvents = react;
      this.eventDelay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /**
     * The reconciler, not started yet: call {@link Reconciler#start()} to run it periodically, or
     * {@link Reconciler#reconcileNow()} for passes of your own.
     *
     * @throws dev.berth.runtime.InvalidSpecException listing every bad setting
     */
    public Reconciler build() {
      return new Reconciler(Settings.of(this));
    }
  }
}
