package dev.berth.runtime.local;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What happens to a backtest between submit and its result: launch, timeout/cancel, collect, clean up, sweep. */
final class BacktestLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(BacktestLifecycle.class);
  static final long MAX_RESULT_BYTES = 64L * 1024 * 1024;
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final LocalBacktestRunner runner;

  BacktestLifecycle(LocalBacktestRunner runner) {
    this.runner = runner;
  }

  /** Materialises the code, starts the process and arms the timeout; called with the backtest's lock held. */
  void launch(BacktestJob job) {
    try {
      runner.launcher.materialize(job.spec, job.dir);
      job.saveState();
      Optional<Path> cgroup = runner.cgroups.prepare(runner.settings.scope(), "backtest", job.id(),
          job.spec.resources());
      synchronized (job) {
        if (job.requestedEnd != null) { // cancelled or deleted before it started
          endUnstarted(job);
          return;
        }
      }
      Instant startedAt = Instant.now();
      Process process = runner.launcher.start(job.spec, job.dir, cgroup, (started, ref) -> {
        synchronized (job) {
          job.process = started;
          job.ref = ref;
          job.startedAt = startedAt;
          job.state = BacktestState.RUNNING;
        }
        try {
          job.saveState(); // before start() waits for the exec: a sweeper can find it from now on
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      BacktestState requested;
      synchronized (job) { // end() either saw the process or left its request for this check
        requested = job.requestedEnd;
      }
      if (requested != null) {
        LOG.debug("Backtest {} was {} while it started; killing it", job.id(), requested);
        ProcessControl.signalTree(job.ref, true);
      }
      job.timeoutTask = runner.executor.schedule(() -> end(job, BacktestState.TIMED_OUT, false),
          job.spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
      process.onExit().thenRun(() -> {
        try {
          runner.executor.execute(() -> finish(job));
        } catch (RejectedExecutionException e) {
          // runner closed: the next runner sweeps this backtest
        }
      });
    } catch (RuntimeException | IOException e) {
      ProcessRef started = job.ref;
      if (started != null && !job.state.isTerminal()) {
        ProcessControl.killAll(started); // it failed after its process started: that must not run on untracked
      }
      boolean specProblem = e instanceof dev.berth.runtime.InvalidSpecException;
      job.message = "could not start: " + e.getMessage();
      job.finishedAt = Instant.now();
      job.state = BacktestState.FAILED;
      cleanUp(job);
      runner.jobs.remove(job.id(), job);
      if (specProblem) {
        throw (dev.berth.runtime.InvalidSpecException) e;
      }
      job.result.complete(BacktestResult.builder(job.id(), BacktestState.FAILED).from(job.status()).build());
    }
  }

  /** Records a backtest ended before its process was started; called with its lock held. */
  private void endUnstarted(BacktestJob job) {
    job.state = job.requestedEnd;
    job.message = job.requestedEnd == BacktestState.TIMED_OUT ? "timed out before it started" : "cancelled";
    job.finishedAt = Instant.now();
    try {
      cleanUp(job);
    } finally {
      job.result.complete(BacktestResult.builder(job.id(), job.state).from(job.status()).build());
    }
  }

  /**
   * Ends a running backtest as CANCELLED or TIMED_OUT: SIGTERM to its tree, SIGKILL after the grace. With
   * {@code await} the call returns once the result is recorded; without, the KILL is scheduled (the
   * runner's thread never blocks on a workload).
   */
  void end(BacktestJob job, BacktestState reason, boolean await) {
    ProcessRef ref;
    synchronized (job) {
      if (job.state.isTerminal()) {
        return;
      }
      if (job.requestedEnd == null) {
        job.requestedEnd = reason;
      }
      ref = job.ref;
    }
    if (ref == null) { // still starting: launch() sees the request and kills it
      if (await) {
        awaitResult(job);
      }
      return;
    }
    ProcessControl.signalTree(ref, false);
    Duration grace = runner.settings.stopGrace();
    Optional<Process> child = Optional.ofNullable(job.process);
    if (await) {
      if (!ProcessControl.awaitExit(ref, child, grace)) {
        ProcessControl.signalTree(ref, true);
        if (!ProcessControl.awaitExit(ref, child, KILL_WAIT)) {
          ProcessControl.killAll(ref);
          ProcessControl.awaitExit(ref, child, KILL_WAIT);
        }
      }
      finish(job);
    } else {
      runner.executor.schedule(() -> {
        if (!job.state.isTerminal()) {
          ProcessControl.signalTree(ref, true);
        }
      }, grace.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private static void awaitResult(BacktestJob job) {
    try {
      job.result.get(KILL_WAIT.toSeconds() * 6, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.debug("Backtest {} did not report its end: {}", job.id(), e.toString());
    }
  }

  /**
   * Records the outcome once the process has exited; idempotent. Whatever fails on the way, the backtest
   * ends in a terminal state, its directory and lease are cleaned up and its result future completes.
   */
  void finish(BacktestJob job) {
    synchronized (job) {
      Process process = job.process;
      if (job.state.isTerminal() || (process != null && process.isAlive())) {
        return;
      }
      if (job.timeoutTask != null) {
        job.timeoutTask.cancel(false);
      }
      BacktestResult outcome = null;
      Throwable failure = null;
      try {
        outcome = collect(job, process);
      } catch (RuntimeException | Error e) {
        failure = e;
        job.message = "collecting the outcome of backtest '" + job.id() + "' failed: " + e;
        if (job.finishedAt == null) {
          job.finishedAt = Instant.now();
        }
        job.state = BacktestState.FAILED;
        LOG.warn("Collecting the outcome of backtest {} failed", job.id(), e);
        outcome = BacktestResult.builder(job.id(), BacktestState.FAILED).from(job.status()).build();
      } finally {
        try {
          cleanUp(job);
        } catch (RuntimeException | Error e) {
          job.releaseLease();
          LOG.warn("Cleaning up backtest {} failed", job.id(), e);
        } finally {
          if (outcome != null) {
            job.result.complete(outcome);
          } else {
            job.result.completeExceptionally(failure);
          }
        }
      }
      LOG.debug("Backtest {} ended {} ({})", job.id(), job.state, job.message);
    }
  }

  private BacktestResult collect(BacktestJob job, Process process) {
    WorkloadLock.Held logs = WorkloadLock.lock(job.dir.logsDir());
    try {
      drain(job, true);
      LogReader.Kept kept;
      try {
        kept = LogReader.keep(job.dir.logsDir(), LocalBacktestRunner.RETAINED_LOG_LINES);
      } catch (IOException e) {
        LOG.warn("Reading the log of backtest {} failed: {}", job.id(), e.toString());
        kept = LogReader.Kept.NONE;
      }
      job.retainedLogs = kept.lines();
      job.kept = kept;
    } finally {
      logs.close();
    }
    OptionalInt code = job.dir.exitCode();
    if (code.isEmpty() && process != null) {
      code = OptionalInt.of(process.exitValue());
    }
    job.exitCode = code;
    Instant finished = job.dir.exitTime().orElseGet(Instant::now);
    job.finishedAt = job.startedAt != null && finished.isBefore(job.startedAt) ? job.startedAt : finished;
    BacktestState state;
    if (job.requestedEnd == BacktestState.TIMED_OUT) {
      state = BacktestState.TIMED_OUT;
      job.message = "timed out after " + job.spec.timeout() + "; its process tree was killed";
    } else if (job.requestedEnd == BacktestState.CANCELLED) {
      state = BacktestState.CANCELLED;
      job.message = "cancelled";
    } else if (code.isPresent() && code.getAsInt() == 0) {
      state = BacktestState.SUCCEEDED;
    } else {
      state = BacktestState.FAILED;
      job.message = ExitCodes.describe(code, false, Launcher.lastErrorLine(job.dir));
    }
    BacktestResult.Builder result = BacktestResult.builder(job.id(), state);
    if (state == BacktestState.SUCCEEDED || state == BacktestState.FAILED) {
      readResult(job).ifPresent(result::resultJson);
    }
    List<LogLine> retained = job.retainedLogs;
    result.logTail(retained.subList(Math.max(0, retained.size() - LocalBacktestRunner.RESULT_LOG_TAIL),
        retained.size()));
    runner.settings.objectStore().ifPresent(store -> store(job, store, result));
    job.state = state;
    return result.from(job.status()).build();
  }

  /** The result file, if the workload wrote one inside its workspace (links leading out are refused). */
  private Optional<String> readResult(BacktestJob job) {
    Path workspace = job.dir.workspace();
    Path file = workspace.resolve(job.spec.resultPath()).normalize();
    try {
      if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(workspace.toRealPath())) {
        return Optional.empty();
      }
      if (Files.size(file) > MAX_RESULT_BYTES) {
        job.message = (job.message.isEmpty() ? "" : job.message + "; ") + "result file larger than "
            + MAX_RESULT_BYTES + " bytes was not collected";
        return Optional.empty();
      }
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("Reading the result of backtest {} from {} failed: {}", job.id(), file, e.toString());
      return Optional.empty();
    }
  }

  private void store(BacktestJob job, ObjectStore store, BacktestResult.Builder result) {
    String id = job.id();
    try {
      Optional<String> json = readResult(job);
      if (json.isPresent()) {
        store.put(ObjectStore.RESULTS_BUCKET, id + "/result.json", json.get().getBytes(StandardCharsets.UTF_8),
            "application/json");
        result.resultLocation(ObjectStore.RESULTS_BUCKET + "/" + id + "/result.json");
      }
      StringBuilder log = new StringBuilder();
      for (LogLine line : readLogs(job, LogOptions.DEFAULT)) {
        log.append(LogFormat.format(line.timestamp(), line.stream(), line.text()));
      }
      store.put(ObjectStore.LOGS_BUCKET, logsKey(id), log.toString().getBytes(StandardCharsets.UTF_8),
          "text/plain; charset=utf-8");
      result.logsLocation(ObjectStore.LOGS_BUCKET + "/" + logsKey(id));
    } catch (RuntimeException e) {
      LOG.warn("Storing the result or logs of backtest {} failed: {}", id, e.toString());
    }
  }

  static String logsKey(String id) {
    return "backtests/" + id + "/output.log";
  }

  void deleteStored(ObjectStore store, String id) {
    try {
      store.delete(ObjectStore.RESULTS_BUCKET, id + "/result.json");
      store.delete(ObjectStore.LOGS_BUCKET, logsKey(id));
    } catch (RuntimeException e) {
      LOG.warn("Deleting the stored result of backtest {} failed: {}", id, e.toString());
    }
  }

  /** Removes the directory unless the spec says keep (then records the outcome there), releases the lease. */
  private void cleanUp(BacktestJob job) {
    String id = job.id();
    runner.cgroups.remove(runner.settings.scope(), "backtest", id);
    WorkloadLock.Held held = WorkloadLock.lock(job.dir.root());
    try {
      if (job.spec.keep()) {
        job.saveState();
      } else {
        // under the logs lock too, so a reader sees the log files either whole or gone
        WorkloadLock.Held logs = WorkloadLock.lock(job.dir.logsDir());
        try {
          BotSupervisor.deleteTree(job.dir);
        } finally {
          logs.close();
        }
      }
    } catch (IOException e) {
      LOG.warn("Cleaning up backtest {} in {} failed: {}", id, job.dir.root(), e.toString());
    } finally {
      held.close();
      job.releaseLease();
    }
  }

  private List<LogLine> readLogs(BacktestJob job, LogOptions options) {
    try (Stream<LogLine> lines = logs(job, options)) {
      return lines.toList();
    }
  }

  Stream<LogLine> logs(BacktestJob job, LogOptions options) {
    if (job.state.isTerminal() && !Files.isDirectory(job.dir.logsDir())) {
      List<LogLine> kept = job.retainedLogs.stream().filter(options::accepts).toList();
      int from = options.tail() >= 0 ? Math.max(0, kept.size() - options.tail()) : 0;
      return kept.subList(from, kept.size()).stream();
    }
    return LogReader.open(new LogReader.Source() {
      @Override
      public boolean isRunning() {
        return !job.result.isDone(); // until finish() has flushed and kept the last lines
      }

      @Override
      public Optional<LogReader.Kept> kept() {
        return Optional.ofNullable(job.kept);
      }

      @Override
      public <T> T drainAndRead(LogReader.IoFunction<Path, T> read) {
        WorkloadLock.Held held = WorkloadLock.lock(job.dir.logsDir());
        try {
          if (Files.isDirectory(job.dir.logsDir())) {
            job.pump.drain(false);
          }
          return read.apply(job.dir.logsDir());
        } catch (IOException e) {
          throw new dev.berth.runtime.RuntimeOperationException("Reading the logs of backtest '" + job.id()
              + "' failed: " + e.getMessage(), e);
        } finally {
          held.close();
        }
      }
    }, options);
  }

  private void drain(BacktestJob job, boolean flush) {
    WorkloadLock.Held held = WorkloadLock.lock(job.dir.logsDir());
    try {
      job.pump.drain(flush);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Copying the output of backtest {} into its log failed: {}", job.id(), e.toString());
    } finally {
      held.close();
    }
  }

  /** Copies new output of running backtests into their logs, so lines get timely timestamps. */
  void drainRunning() {
    for (BacktestJob job : runner.jobs.values()) {
      try {
        if (job.state == BacktestState.RUNNING && job.pump.hasNewOutput()) {
          WorkloadLock.tryLock(job.dir.logsDir()).ifPresent(held -> {
            try (held) {
              job.pump.drain(false);
            } catch (IOException e) {
              LOG.debug("Copying the output of backtest {} failed: {}", job.id(), e.toString());
            }
          });
        }
      } catch (RuntimeException e) {
        LOG.debug("Copying the output of backtest {} failed: {}", job.id(), e.toString()); // retried next round
      }
    }
  }

  /** Kills and removes backtests of this scope whose runner is gone; kept ones keep their files. */
  void sweep() {
    try (Stream<Path> dirs = Files.list(runner.settings.backtestsDir())) {
      for (Path path : (Iterable<Path>) dirs::iterator) {
        WorkloadDir dir = new WorkloadDir(path);
        Optional<java.nio.channels.FileChannel> lease = BacktestJob.tryLease(path);
        if (lease.isEmpty()) {
          continue; // a live runner owns it
        }
        try {
          BacktestJob.processOnDisk(dir).filter(ProcessControl::isAlive).ifPresent(ref -> {
            LOG.info("Killing backtest {} (pid {}) left running by a runner that is gone", dir.id(), ref.pid());
            ProcessControl.killAll(ref);
            ProcessControl.awaitExit(ref, Optional.empty(), KILL_WAIT);
          });
          if (!BacktestJob.keptOnDisk(dir)) {
            AtomicFiles.deleteTree(path);
            LOG.info("Removed leftover backtest {} in scope {}", dir.id(), runner.settings.scope());
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn("Sweeping leftover backtest {} failed: {}", dir.id(), e.toString());
        } finally {
          lease.get().close(); // releases the lease
        }
      }
    } catch (IOException e) {
      LOG.warn("Sweeping {} failed: {}", runner.settings.backtestsDir(), e.toString());
    }
  }
}
