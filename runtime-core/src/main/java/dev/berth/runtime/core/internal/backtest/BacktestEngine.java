package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BacktestTimeoutException;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.core.internal.StoreAccess;
import dev.berth.runtime.core.internal.backtest.BacktestDriver.Found;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link BacktestRunner} of every backend: submit, time out, cancel, collect, store, clean up and
 * take over what a dead runner left, written once over a small {@link BacktestDriver}.
 *
 * <p>Each backtest runs on a thread of its own ({@code berth-<type>-backtest-<id>}); one scheduler thread
 * ({@code berth-<type>-backtests-<scope>}) fires deadlines and looks every {@code backtest.sweep-interval}
 * for backtests of the scope that no live runner watches (their runner died): it adopts them, enforces their
 * deadline, collects their outcome and removes them. Ownership is a lease file lock in the backend's state
 * directory, so runners on one host never adopt each other's live backtests.
 *
 * <p>An ended backtest keeps its id, status and spooled log until {@link #delete} or {@link #close}.
 *
 * @param <W> the driver's workload handle
 */
public final class BacktestEngine<W> implements BacktestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BacktestEngine.class);
  private static final Duration END_WAIT = Duration.ofSeconds(30);

  private final BacktestDriver<W> driver;
  private final EngineSettings settings;
  private final Leases leases;
  private final SpoolDirectory spools;
  private final ConcurrentHashMap<String, Execution<W>> executions = new ConcurrentHashMap<>();
  private final ExecutionLogs<W> logs;
  private final Object[] idLocks = new Object[64];
  private final EngineThreads threads;
  private final StoreAccess store;
  private volatile boolean closed;

  /** Starts the engine: sweeps leftovers of the scope once, then every {@code sweepInterval}. */
  public BacktestEngine(BacktestDriver<W> driver, EngineSettings settings) {
    this.driver = Objects.requireNonNull(driver, "driver");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.leases = new Leases(settings.stateDir().resolve("leases"));
    this.spools = SpoolDirectory.open(settings.stateDir().resolve("spool"));
    this.logs = new ExecutionLogs<>(driver);
    for (int i = 0; i < idLocks.length; i++) {
      idLocks[i] = new Object();
    }
    this.threads = new EngineThreads(driver.type(), settings.scope());
    this.store = StoreAccess.forBacktests(settings.store(), driver.type(), settings.scope());
    sweep();
    threads.every(settings.sweepInterval(), this::sweepGuarded);
  }

  @Override
  public String type() {
    return driver.type();
  }

  @Override
  public BacktestExecution submit(BacktestSpec spec) {
    Objects.requireNonNull(spec, "spec");
    ensureOpen();
    driver.validate(spec);
    synchronized (lock(spec.id())) {
      // An ended backtest keeps its id until delete, as a container would.
      if (executions.containsKey(spec.id())) {
        throw EngineErrors.alreadyExists(settings.scope(), spec.id());
      }
      Leases.Lease lease = leases.tryAcquire(spec.id()).orElseThrow(() -> EngineErrors.alreadyExists(settings.scope(), spec.id()));
      try {
        if (driver.find(spec.id()).isPresent()) {
          throw EngineErrors.alreadyExists(settings.scope(), spec.id());
        }
      } catch (RuntimeException e) {
        lease.close();
        throw e;
      }
      Execution<W> execution = new Execution<>(Plan.of(spec, Instant.now()), Optional.of(spec),
          BacktestState.PENDING, () -> cancel(spec.id()));
      executions.put(spec.id(), execution);
      watch(execution, lease);
      LOG.info("Submitted backtest {}", spec.id());
      return execution;
    }
  }

  @Override
  public BacktestStatus status(String backtestId) {
    return withBacktest(backtestId, Execution::status, found -> ForeignStatus.of(driver, found));
  }

  @Override
  public Stream<LogLine> logs(String backtestId, LogOptions options) {
    Objects.requireNonNull(options, "options");
    return withBacktest(backtestId, execution -> logs.of(execution, options),
        found -> driver.logs(found.workload(), options));
  }

  @Override
  public void cancel(String backtestId) {
    withBacktest(backtestId, execution -> {
      end(execution, BacktestState.CANCELLED);
      awaitEnd(execution);
      return null;
    }, found -> {
      // Another live runner watches it: stopping it is all this runner can do; that runner records the end.
      if (found.running()) {
        stopLater(backtestId, found.workload());
      }
      return null;
    });
  }

  @Override
  public void delete(String backtestId) {
    ensureOpen();
    EngineErrors.requireId(backtestId);
    synchronized (lock(backtestId)) {
      Execution<W> execution = executions.get(backtestId);
      if (execution != null) {
        end(execution, BacktestState.CANCELLED);
        awaitEnd(execution);
        execution.workload().ifPresent(this::removeQuietly); // kept, or not removed by its end
        execution.spool.getNow(Optional.empty()).ifPresent(LogSpool::delete);
        executions.remove(backtestId, execution);
      }
      driver.find(backtestId).ifPresent(found -> {
        if (found.running()) {
          driver.stop(found.workload(), settings.stopGrace());
        }
        driver.remove(found.workload());
      });
      settings.store().ifPresent(store -> deleteStored(store, backtestId));
    }
  }

  @Override
  public Health health() {
    return closed ? Health.unhealthy("this " + driver.type() + " backtest runner is closed") : driver.health();
  }

  /**
   * Stops the runner's threads and follows and releases its leases. Backtests still running keep running:
   * their waiters get a {@link RuntimeOperationException}, and the next runner of the scope adopts them.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    logs.closeAll();
    for (Execution<W> execution : executions.values()) {
      execution.abandon();
    }
    threads.close();
    store.close();
    spools.close();
    driver.close();
  }

  @Override
  public String toString() {
    return "BacktestRunner[type=" + driver.type() + ", scope=" + settings.scope() + ", endpoint="
        + driver.endpoint() + (closed ? ", closed" : "") + "]";
  }

  BacktestDriver<W> driver() {
    return driver;
  }

  EngineSettings settings() {
    return settings;
  }

  StoreAccess store() {
    return store;
  }

  Leases leases() {
    return leases;
  }

  Path spoolFile(String backtestId) {
    return spools.file(backtestId);
  }

  /** The message of a backtest that ended because it was asked to. */
  String endMessage(BacktestState reason, Plan plan) {
    return reason == BacktestState.TIMED_OUT
        ? "timed out after " + Durations.human(plan.timeout()) + "; it was stopped (SIGTERM, then SIGKILL after "
            + Durations.human(settings.stopGrace()) + ")"
        : "cancelled";
  }

  /** Stops the workload on a thread of its own: the caller (timer, canceller) must not wait for the grace. */
  void stopLater(String backtestId, W workload) {
    threads.stop(() -> {
      try {
        driver.stop(workload, settings.stopGrace());
      } catch (BerthException e) {
        LOG.warn("Stopping backtest {} failed: {}", backtestId, e.getMessage());
      }
    });
  }

  private void end(Execution<W> execution, BacktestState reason) {
    Optional<W> running = execution.requestEnd(reason);
    if (running.isPresent()) {
      stopLater(execution.id(), running.get());
    } else if (!execution.ended()) {
      execution.interruptLaunch(); // a pull or a materialisation in progress ends now
    }
  }

  /** Waits until a cancelled backtest has ended, at most the grace and a collection's worth of time. */
  private void awaitEnd(Execution<W> execution) {
    Duration limit = settings.stopGrace().plus(END_WAIT);
    try {
      execution.await(limit);
    } catch (BacktestTimeoutException e) {
      LOG.warn("Backtest {} did not end within {} of its cancel", execution.id(), limit);
    } catch (RuntimeOperationException e) {
      // closed meanwhile: the next runner of the scope ends it
    }
  }

  private void watch(Execution<W> execution, Leases.Lease lease) {
    Instant deadline = execution.plan.deadline();
    if (!deadline.equals(Instant.MAX)) {
      execution.deadlineTask(threads.schedule(() -> end(execution, BacktestState.TIMED_OUT),
          Duration.between(Instant.now(), deadline)));
    }
    execution.worker(threads.startWorker(execution.id(), new Lifecycle<>(this, execution, lease)));
  }

  /**
   * Applies {@code watched} to the backtest this runner watches (adopting it first if no live runner does),
   * else {@code foreign} to the workload another live runner watches.
   *
   * @throws dev.berth.runtime.BotNotFoundException when the scope has no such backtest
   */
  private <T> T withBacktest(String backtestId, Function<Execution<W>, T> watched, Function<Found<W>, T> foreign) {
    ensureOpen();
    EngineErrors.requireId(backtestId);
    Execution<W> execution = executions.get(backtestId);
    if (execution != null) {
      return watched.apply(execution);
    }
    Found<W> found = driver.find(backtestId).orElseThrow(() -> EngineErrors.notFound(settings.scope(), backtestId));
    return adoptIfOrphaned(found).map(watched).orElseGet(() -> foreign.apply(found));
  }

  /**
   * Takes over a backtest whose runner is gone: no live runner on this host holds its lease. A kept
   * backtest that has ended is left alone for inspection until delete.
   */
  private Optional<Execution<W>> adoptIfOrphaned(Found<W> found) {
    Plan plan = Plan.fromMetadata(found.id(), found.metadata());
    if (closed || (!found.running() && plan.keep())) {
      return Optional.empty();
    }
    synchronized (lock(found.id())) {
      Execution<W> known = executions.get(found.id());
      if (known != null) {
        return Optional.of(known);
      }
      Optional<Leases.Lease> lease = leases.tryAcquire(found.id());
      if (lease.isEmpty()) {
        return Optional.empty();
      }
      Optional<Found<W>> current;
      try {
        current = driver.find(found.id()); // it may have ended and gone while the lease was taken
      } catch (RuntimeException e) {
        lease.get().close();
        throw e;
      }
      if (current.isEmpty()) {
        lease.get().close();
        return Optional.empty();
      }
      Execution<W> adopted = new Execution<>(plan, Optional.empty(), BacktestState.RUNNING,
          () -> cancel(found.id()));
      adopted.running(current.get().workload(), null);
      LOG.info("Taking over backtest {} of scope {}: no live runner watches it ({}, deadline {})", found.id(),
          settings.scope(), current.get().running() ? "running" : "ended",
          plan.deadline().equals(Instant.MAX) ? "none" : plan.deadline());
      executions.put(found.id(), adopted);
      watch(adopted, lease.get());
      return Optional.of(adopted);
    }
  }

  private void sweepGuarded() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn("Looking for backtests of scope {} that no runner watches failed: {}", settings.scope(),
          e.getMessage());
    }
  }

  private void sweep() {
    for (Found<W> found : driver.list()) {
      if (!executions.containsKey(found.id())) {
        adoptIfOrphaned(found);
      }
    }
  }

  private void removeQuietly(W workload) {
    try {
      driver.remove(workload);
    } catch (BerthException e) {
      LOG.warn("Removing a backtest's workload failed: {}", e.getMessage());
    }
  }

  private void deleteStored(ObjectStore store, String backtestId) {
    store.delete(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestResultKey(settings.scope(), backtestId));
    store.delete(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestLogKey(settings.scope(), backtestId));
  }

  private Object lock(String id) {
    return idLocks[Math.floorMod(id.hashCode(), idLocks.length)];
  }

  private void ensureOpen() {
    if (closed) {
      throw EngineErrors.closed(driver.type(), settings.scope());
    }
  }
}
