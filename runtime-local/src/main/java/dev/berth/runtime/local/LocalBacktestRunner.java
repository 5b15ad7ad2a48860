package dev.berth.runtime.local;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.RuntimeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backtests as host processes: each runs once in {@code <state-dir>/<scope>/backtests/<id>/workspace}
 * (code bundle + {@code config.json}), under the same wrapper as bots (see {@link LocalRuntime}).
 *
 * <pre>{@code
 * try (LocalBacktestRunner runner = LocalBacktestRunner.builder().scope("research").build()) {
 *   BacktestResult result = runner.run(BacktestSpec.builder("bt-1")
 *       .command("python3", "backtest.py").timeout(Duration.ofMinutes(5)).build());
 * }
 * }</pre>
 *
 * <p>When the workload ends, the runner copies its result file ({@code resultPath}, default
 * {@code result.json} in the workspace) into the {@link BacktestResult}, stores it at
 * {@code test-results/<id>/result.json} and the full log at {@code bot-logs/backtests/<id>/output.log} when an
 * object store is configured, keeps the last lines of the log in memory, and removes the directory (unless
 * {@code keep}). At the timeout the whole process tree gets SIGTERM, then SIGKILL after
 * {@code stop-grace}, and the result is TIMED_OUT; {@link #cancel} does the same and ends CANCELLED.
 *
 * <p>A runner holds a lease (a file lock the OS drops when the JVM dies) on each backtest it runs. A new
 * runner sweeps its scope on start: backtests whose lease is free (their runner is gone) are killed and
 * their directories removed, except those with {@code keep}, whose files are left for inspection.
 * {@link #close()} releases the runner's thread and leases; running backtests keep running until the next
 * runner of the scope sweeps them. Configuration keys as for {@link LocalRuntime}.
 */
public final class LocalBacktestRunner implements BacktestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBacktestRunner.class);
  static final int RESULT_LOG_TAIL = 100;
  static final int RETAINED_LOG_LINES = 1000;

  final LocalSettings settings;
  final Launcher launcher;
  final Cgroups cgroups;
  final ScheduledExecutorService executor;
  final ConcurrentHashMap<String, BacktestJob> jobs = new ConcurrentHashMap<>();
  final BacktestLifecycle lifecycle;
  private final AtomicBoolean closed = new AtomicBoolean();

  LocalBacktestRunner(LocalSettings settings) {
    this.settings = settings;
    this.launcher = new Launcher(settings.objectStore());
    this.cgroups = Cgroups.detect();
    try {
      Files.createDirectories(settings.backtestsDir());
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot create the local backtest directory " + settings.backtestsDir()
          + ": " + e.getMessage() + ". Set local.state-dir to a writable directory.", e);
    }
    this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "berth-local-backtests-" + settings.scope());
      thread.setDaemon(true);
      return thread;
    });
    this.lifecycle = new BacktestLifecycle(this);
    lifecycle.sweep();
    PeriodicGuard guard = new PeriodicGuard(LOG, "Copying the output of running backtests of scope '"
        + settings.scope() + "'");
    executor.scheduleWithFixedDelay(() -> guard.run(lifecycle::drainRunning), 250, 250, TimeUnit.MILLISECONDS);
  }

  /** A builder with the defaults: {@code ~/.berth/local}, scope {@code default}, a store in {@code ~/.berth/store}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A runner configured by {@code local.*}, {@code scope} and {@code store.*} keys (see {@link LocalRuntime}). */
  public static LocalBacktestRunner fromConfig(RuntimeConfig config) {
    return new LocalBacktestRunner(LocalSettings.fromConfig(config));
  }

  @Override
  public String type() {
    return LocalRuntimeProvider.TYPE;
  }

  @Override
  public BacktestExecution submit(BacktestSpec spec) {
    requireOpen();
    Objects.requireNonNull(spec, "spec");
    LocalSupport.check(spec);
    WorkloadDir dir = dirOf(spec.id());
    BacktestJob job = new BacktestJob(spec, dir, new LogPump(dir, settings.logMaxBytes(), settings.logFiles()));
    WorkloadLock.Held held = WorkloadLock.lockCreating(dir.root());
    try {
      // An ended backtest keeps its id (and result) until delete, as a container would.
      if (jobs.containsKey(spec.id()) || dir.exists()) {
        throw new BacktestAlreadyExistsException(spec.id(), settings.scope());
      }
      if (!job.lease()) {
        throw new BacktestAlreadyExistsException(spec.id(), settings.scope());
      }
      jobs.put(spec.id(), job);
      lifecycle.launch(job);
    } finally {
      held.close();
    }
    return new LocalBacktestExecution(this, job);
  }

  @Override
  public BacktestStatus status(String backtestId) {
    requireOpen();
    BacktestJob job = jobs.get(LocalSupport.requireId(WorkloadKind.BACKTEST, backtestId));
    if (job != null) {
      return job.status();
    }
    return BacktestJob.statusOnDisk(dirOf(backtestId)).orElseThrow(() -> notFound(backtestId));
  }

  @Override
  public Stream<LogLine> logs(String backtestId, LogOptions options) {
    requireOpen();
    Objects.requireNonNull(options, "options");
    BacktestJob job = jobs.get(LocalSupport.requireId(WorkloadKind.BACKTEST, backtestId));
    if (job == null) {
      throw notFound(backtestId);
    }
    return lifecycle.logs(job, options);
  }

  @Override
  public void cancel(String backtestId) {
    requireOpen();
    BacktestJob job = jobs.get(LocalSupport.requireId(WorkloadKind.BACKTEST, backtestId));
    if (job == null) {
      if (dirOf(backtestId).exists()) {
        return; // kept, or owned by another runner: nothing of ours to cancel
      }
      throw notFound(backtestId);
    }
    lifecycle.end(job, BacktestState.CANCELLED, true);
  }

  @Override
  public void delete(String backtestId) {
    requireOpen();
    WorkloadDir dir = dirOf(backtestId);
    BacktestJob job = jobs.get(backtestId);
    if (job != null) {
      lifecycle.end(job, BacktestState.CANCELLED, true);
    }
    WorkloadLock.Held held = WorkloadLock.lock(dir.root());
    try {
      if (job != null) {
        lifecycle.end(job, BacktestState.CANCELLED, true); // it may have been starting before the lock
      }
      if (job == null && Files.isDirectory(dir.root())) {
        Optional<java.nio.channels.FileChannel> lease = BacktestJob.tryLease(dir.root());
        if (lease.isEmpty()) {
          throw new RuntimeOperationException("Backtest '" + backtestId + "' is running under another runner; "
              + "cancel or delete it there.");
        }
        BacktestJob.processOnDisk(dir).ifPresent(ref -> ProcessControl.signalTree(ref, true));
        lease.get().close();
      }
      AtomicFiles.deleteTree(dir.root());
    } catch (IOException e) {
      throw new RuntimeOperationException("Deleting backtest '" + backtestId + "' failed while removing "
          + dir.root() + ": " + e.getMessage() + ". Delete the directory by hand.", e);
    } finally {
      held.close();
    }
    jobs.remove(backtestId);
    settings.objectStore().ifPresent(store -> lifecycle.deleteStored(store, backtestId));
  }

  @Override
  public Health health() {
    if (closed.get()) {
      return Health.unhealthy("closed: this local backtest runner (scope '" + settings.scope() + "') was closed; "
          + "create a new one");
    }
    if (!Wrapper.shellAvailable()) {
      return Health.unhealthy("/bin/sh is missing; the local runner starts every backtest through it. "
          + "Install a POSIX shell.");
    }
    if (!Files.isWritable(settings.backtestsDir())) {
      return Health.unhealthy("The state directory " + settings.backtestsDir() + " is not writable; fix its "
          + "permissions or set local.state-dir.");
    }
    return Health.healthy("local processes on " + System.getProperty("os.name") + " "
        + System.getProperty("os.version"));
  }

  /**
   * Stops the runner's thread and releases its leases. Running backtests keep running (the next runner of
   * the scope sweeps them); waiting callers get a {@link RuntimeOperationException}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (BacktestJob job : jobs.values()) {
      job.releaseLease();
      job.result.completeExceptionally(new RuntimeOperationException("The backtest runner was closed while "
          + "backtest '" + job.id() + "' was running; it keeps running until the next runner of scope '"
          + settings.scope() + "' sweeps it."));
    }
  }

  WorkloadDir dirOf(String id) {
    return new WorkloadDir(settings.backtestsDir().resolve(LocalSupport.requireId(WorkloadKind.BACKTEST, id)));
  }

  private void requireOpen() {
    if (closed.get()) {
      throw RuntimeClosedException.backtestRunner(type(), settings.scope());
    }
  }

  private BacktestNotFoundException notFound(String id) {
    return new BacktestNotFoundException(id, settings.scope());
  }

  @Override
  public String toString() {
    return "LocalBacktestRunner[" + settings.backtestsDir() + "]";
  }

  /** Builds a {@link LocalBacktestRunner}; the settings mean the same as in {@link LocalRuntime.Builder}. */
  public static final class Builder {
    private final LocalRuntime.Builder settings = LocalRuntime.builder();

    private Builder() {}

    /** Root of all state ({@code local.state-dir}), default {@code ~/.berth/local}. */
    public Builder stateDir(Path stateDir) {
      settings.stateDir(stateDir);
      return this;
    }

    /** The scope whose backtests this runner runs and sweeps ({@code scope}), default {@code default}. */
    public Builder scope(String scope) {
      settings.scope(scope);
      return this;
    }

    /** Grace between SIGTERM and SIGKILL when a backtest times out or is cancelled, default 10s. */
    public Builder stopGrace(Duration stopGrace) {
      settings.stopGrace(stopGrace);
      return this;
    }

    /** Size at which a backtest's log rotates ({@code local.log-max-bytes}), default 10 MiB. */
    public Builder logMaxBytes(long logMaxBytes) {
      settings.logMaxBytes(logMaxBytes);
      return this;
    }

    /** Rotated log files kept ({@code local.log-files}), default 3. */
    public Builder logFiles(int logFiles) {
      settings.logFiles(logFiles);
      return this;
    }

    /** Where results ({@code test-results/<id>/result.json}) and logs are stored; default {@code ~/.berth/store}. */
    public Builder objectStore(ObjectStore objectStore) {
      settings.objectStore(objectStore);
      return this;
    }

    /** No object store ({@code store.type=none}): results and logs are not stored. */
    public Builder noObjectStore() {
      settings.noObjectStore();
      return this;
    }

    /** Creates the runner; it sweeps its scope's leftovers first. */
    public LocalBacktestRunner build() {
      return settings.buildBacktestRunner();
    }
  }
}
