package dev.berth.runtime.local;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.backtest.BacktestDriver;
import dev.berth.runtime.core.internal.backtest.ResultTooLargeException;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backtests as host processes for the core backtest engine: each runs once in
 * {@code <state-dir>/<scope>/backtests/<id>/workspace} under the same wrapper as bots, its output copied
 * into timestamped, rotated logs (every 250 ms on the driver's thread, and on every read).
 */
final class LocalBacktestDriver implements BacktestDriver<LocalBacktest> {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBacktestDriver.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final String KIND = "backtest";

  private final LocalSettings settings;
  private final Launcher launcher;
  private final Cgroups cgroups;
  private final Set<LocalBacktest> live = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService copier;

  LocalBacktestDriver(LocalSettings settings) {
    this.settings = settings;
    this.launcher = new Launcher(settings.objectStore(), settings.bundleCache());
    this.cgroups = Cgroups.detect();
    try {
      PrivateDirectories.create(settings.backtestsDir());
      PrivateDirectories.restrict(settings.scopeDir());
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot create the local backtest directory " + settings.backtestsDir()
          + ": " + e.getMessage() + ". Set local.state-dir to a writable directory.", e);
    }
    this.copier = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "berth-local-backtest-logs-" + settings.scope());
      thread.setDaemon(true);
      return thread;
    });
    PeriodicGuard guard = new PeriodicGuard(LOG, "Copying the output of running backtests of scope '"
        + settings.scope() + "'");
    copier.scheduleWithFixedDelay(() -> guard.run(this::copyLiveOutput), 250, 250, TimeUnit.MILLISECONDS);
  }

  @Override
  public String type() {
    return LocalRuntimeProvider.TYPE;
  }

  @Override
  public String endpoint() {
    return settings.backtestsDir().toString();
  }

  @Override
  public void validate(BacktestSpec spec) {
    LocalSupport.check(spec);
  }

  @Override
  public LocalBacktest launch(BacktestSpec spec, Map<String, String> metadata) throws InterruptedException {
    WorkloadDir dir = dirOf(spec.id());
    Optional<ProcessRef>[] started = newRefHolder();
    WorkloadLock.Held held = WorkloadLock.lockCreating(dir.root());
    try {
      LocalBacktest.writeState(dir, metadata, Optional.empty(), Optional.empty());
      launcher.materialize(spec, dir);
      Optional<Path> cgroup = cgroups.prepare(settings.scope(), KIND, spec.id(), spec.resources());
      if (Thread.interrupted()) {
        throw new InterruptedException("cancelled while it was being prepared");
      }
      Instant startedAt = Instant.now();
      Process process = launcher.start(spec, dir, cgroup, (child, ref) -> {
        started[0] = Optional.of(ref);
        LocalBacktest.writeState(dir, metadata, Optional.of(ref), Optional.of(startedAt));
      });
      LocalBacktest backtest = new LocalBacktest(dir, started[0], Optional.of(process),
          new LogPump(dir, settings.logMaxBytes(), settings.logFiles()), Optional.of(startedAt));
      live.add(backtest);
      return backtest;
    } catch (RuntimeException | InterruptedException e) {
      discard(dir, started[0]);
      throw e;
    } finally {
      held.close();
    }
  }

  @Override
  public Exit awaitExit(LocalBacktest backtest) throws InterruptedException {
    if (backtest.child.isPresent()) {
      backtest.child.get().waitFor();
    } else {
      while (backtest.isAlive()) {
        Thread.sleep(100);
      }
    }
    copyFinalOutput(backtest);
    OptionalInt code = backtest.dir.exitCode();
    if (code.isEmpty() && backtest.child.isPresent()) {
      code = OptionalInt.of(backtest.child.get().exitValue());
    }
    boolean oomKilled = cgroups.leaf(settings.scope(), KIND, backtest.id()).map(cgroups::oomKilled).orElse(false);
    String message = code.isPresent() && code.getAsInt() == 0 ? ""
        : backtest.ref.isEmpty() ? "it never started: its runner died while preparing it"
        : ExitCodes.describe(code, oomKilled, Launcher.lastErrorLine(backtest.dir));
    return new Exit(code, backtest.startedAt, backtest.dir.exitTime(), oomKilled, message);
  }

  @Override
  public Optional<String> readResult(LocalBacktest backtest, String resultPath, long maxBytes) {
    Path workspace = backtest.dir.workspace();
    Path file = workspace.resolve(resultPath).normalize();
    try {
      if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(workspace.toRealPath())) {
        return Optional.empty(); // none, or a link leading out of the workspace
      }
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new ResultTooLargeException(backtest.id(), resultPath, size, maxBytes);
      }
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading the result of backtest '" + backtest.id() + "' from " + file
          + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Stream<LogLine> logs(LocalBacktest backtest, LogOptions options) {
    return LogReader.open(new WorkloadLogSource(KIND, backtest.dir, backtest.pump, () -> {
      if (backtest.drained()) {
        return false;
      }
      if (backtest.isAlive()) {
        return true;
      }
      copyFinalOutput(backtest);
      return false;
    }, copier::isShutdown), options);
  }

  @Override
  public void stop(LocalBacktest backtest, Duration grace) {
    Optional<ProcessRef> ref = backtest.ref;
    if (ref.isEmpty() || !backtest.isAlive()) {
      return;
    }
    ProcessControl.signalTree(ref.get(), false);
    if (!ProcessControl.awaitExit(ref.get(), backtest.child, grace)) {
      ProcessControl.signalTree(ref.get(), true);
      if (!ProcessControl.awaitExit(ref.get(), backtest.child, KILL_WAIT)) {
        ProcessControl.killAll(ref.get());
        ProcessControl.awaitExit(ref.get(), backtest.child, KILL_WAIT);
      }
    }
  }

  @Override
  public void remove(LocalBacktest backtest) {
    live.remove(backtest);
    backtest.ref.filter(ProcessControl::isAlive).ifPresent(ProcessControl::killAll);
    cgroups.remove(settings.scope(), KIND, backtest.id());
    WorkloadLock.Held held = WorkloadLock.lock(backtest.dir.root());
    try {
      // under the logs lock too, so a reader sees the log files either whole or gone
      WorkloadLock.Held logs = WorkloadLock.lock(backtest.dir.logsDir());
      try {
        AtomicFiles.deleteTree(backtest.dir.root());
      } finally {
        logs.close();
      }
    } catch (IOException e) {
      throw new RuntimeOperationException("Removing backtest '" + backtest.id() + "' failed while deleting "
          + backtest.dir.root() + ": " + e.getMessage() + ". Delete the directory by hand.", e);
    } finally {
      held.close();
    }
  }

  @Override
  public List<Found<LocalBacktest>> list() {
    List<Found<LocalBacktest>> found = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(settings.backtestsDir())) {
      for (Path path : (Iterable<Path>) dirs::iterator) {
        if (Files.isDirectory(path) && !path.getFileName().toString().startsWith(".")) {
          found.add(found(new WorkloadDir(path)));
        }
      }
    } catch (IOException e) {
      throw new RuntimeOperationException("Listing the backtests in " + settings.backtestsDir() + " failed: "
          + e.getMessage(), e);
    }
    return found;
  }

  @Override
  public Optional<Found<LocalBacktest>> find(String backtestId) {
    WorkloadDir dir = dirOf(backtestId);
    return Files.isDirectory(dir.root()) ? Optional.of(found(dir)) : Optional.empty();
  }

  @Override
  public Health health() {
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

  @Override
  public void close() {
    copier.shutdownNow();
    try {
      copier.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Found<LocalBacktest> found(WorkloadDir dir) {
    LocalBacktest.State state = LocalBacktest.readState(dir);
    LocalBacktest backtest = new LocalBacktest(dir, state.process(), Optional.empty(),
        new LogPump(dir, settings.logMaxBytes(), settings.logFiles()), state.startedAt());
    boolean running = backtest.isAlive();
    if (running) {
      live.add(backtest);
    }
    return new Found<>(dir.id(), backtest, state.metadata(), running);
  }

  /** Copies the last output into the log once the process is gone; idempotent. */
  private void copyFinalOutput(LocalBacktest backtest) {
    WorkloadLock.Held held = WorkloadLock.lock(backtest.dir.logsDir());
    try {
      if (!backtest.drained() && Files.isDirectory(backtest.dir.runDir())) {
        backtest.pump.drain(true);
      }
      backtest.markDrained();
      live.remove(backtest);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Copying the output of backtest {} into its log failed: {}", backtest.id(), e.toString());
    } finally {
      held.close();
    }
  }

  /** Copies new output of running backtests into their logs, so lines get timely timestamps. */
  private void copyLiveOutput() {
    for (LocalBacktest backtest : live) {
      try {
        if (!backtest.drained() && backtest.pump.hasNewOutput()) {
          WorkloadLock.tryLock(backtest.dir.logsDir()).ifPresent(held -> {
            try (held) {
              if (!backtest.drained()) {
                backtest.pump.drain(false);
              }
            } catch (IOException e) {
              LOG.debug("Copying the output of backtest {} failed: {}", backtest.id(), e.toString());
            }
          });
        }
      } catch (RuntimeException e) {
        LOG.debug("Copying the output of backtest {} failed: {}", backtest.id(), e.toString()); // next round
      }
    }
  }

  private void discard(WorkloadDir dir, Optional<ProcessRef> started) {
    started.filter(ProcessControl::isAlive).ifPresent(ref -> {
      ProcessControl.killAll(ref);
      ProcessControl.awaitExit(ref, Optional.empty(), KILL_WAIT);
    });
    cgroups.remove(settings.scope(), KIND, dir.id());
    try {
      AtomicFiles.deleteTree(dir.root());
    } catch (IOException e) {
      LOG.warn("Removing what a failed launch of backtest {} left in {} failed: {}", dir.id(), dir.root(),
          e.getMessage());
    }
  }

  private WorkloadDir dirOf(String id) {
    return new WorkloadDir(settings.backtestsDir().resolve(LocalSupport.requireId(dev.berth.runtime.WorkloadKind.BACKTEST, id)));
  }

  @SuppressWarnings("unchecked")
  private static Optional<ProcessRef>[] newRefHolder() {
    Optional<ProcessRef>[] holder = (Optional<ProcessRef>[]) new Optional<?>[] {Optional.empty()};
    return holder;
  }
}
