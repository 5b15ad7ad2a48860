package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.core.internal.StoreAccess;
import dev.berth.runtime.core.internal.backtest.BacktestDriver.Exit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one backtest, on its own thread: launch (unless adopted, when the workload already runs),
 * wait for the exit, collect the result, spool the complete log, store both, remove the workload. Whatever
 * fails on the way, the execution ends in a terminal state and its waiters complete; only a closing runner
 * leaves a workload behind, for the next runner to adopt.
 */
final class Lifecycle<W> implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
  private static final Duration ENGINE_RETRY = Duration.ofSeconds(1);

  private final BacktestEngine<W> engine;
  private final BacktestDriver<W> driver;
  private final Execution<W> execution;
  private final Leases.Lease lease;
  private boolean removed;
  private boolean released;

  Lifecycle(BacktestEngine<W> engine, Execution<W> execution, Leases.Lease lease) {
    this.engine = engine;
    this.driver = engine.driver();
    this.execution = execution;
    this.lease = lease;
  }

  @Override
  public void run() {
    try {
      Optional<W> workload = execution.workload().isPresent() ? execution.workload() : launch();
      if (workload.isPresent()) {
        awaitExit(workload.get()).ifPresent(exit -> collect(workload.get(), exit));
      }
    } catch (RuntimeException | Error e) { // the execution must end and its waiters complete, whatever failed
      LOG.warn("Backtest {} failed in the runner", execution.id(), e);
      if (!execution.ended()) {
        endWithoutResult(BacktestState.FAILED, "the runner failed: " + e);
      }
      if (e instanceof Error) {
        throw (Error) e;
      }
    } finally {
      if (execution.abandoned() && !execution.ended()) {
        execution.completeAbandoned(engine.settings().scope());
      }
      releaseLease();
    }
  }

  /** Launches the workload; empty when the backtest ended (or the runner closed) before it ran. */
  private Optional<W> launch() {
    Optional<BacktestState> early = execution.endRequested();
    if (early.isPresent()) {
      endWithoutResult(early.get(), engine.endMessage(early.get(), execution.plan));
      return Optional.empty();
    }
    W workload;
    try {
      workload = driver.launch(execution.spec.orElseThrow(), execution.plan.metadata());
    } catch (InterruptedException e) {
      endLaunchInterrupted();
      return Optional.empty();
    } catch (BerthException e) {
      if (Thread.interrupted() || execution.endRequested().isPresent() || execution.abandoned()) {
        endLaunchInterrupted(); // the failure is the interrupt's doing: a cancel, timeout or close
      } else {
        endWithoutResult(BacktestState.FAILED, "could not start: " + e.getMessage());
      }
      return Optional.empty();
    }
    Thread.interrupted(); // an interrupt that came after the launch finished must not cut the wait below
    Optional<BacktestState> requested = execution.running(workload, Instant.now());
    LOG.debug("Backtest {} runs", execution.id());
    if (execution.abandoned()) {
      return Optional.empty(); // closed meanwhile: the workload is left for the next runner
    }
    requested.ifPresent(reason -> engine.stopLater(execution.id(), workload));
    return Optional.of(workload);
  }

  private void endLaunchInterrupted() {
    if (!execution.abandoned()) {
      BacktestState reason = execution.endRequested().orElse(BacktestState.CANCELLED);
      endWithoutResult(reason, engine.endMessage(reason, execution.plan));
    }
  }

  /** Waits for the exit, riding out an engine that is down for a while; empty when the runner closed. */
  private Optional<Exit> awaitExit(W workload) {
    boolean warned = false;
    while (!execution.abandoned()) {
      try {
        return Optional.of(driver.awaitExit(workload));
      } catch (InterruptedException e) {
        // a close interrupts; anything else is retried
      } catch (BerthException e) {
        if (!warned) {
          LOG.warn("Waiting for backtest {} failed ({}); retrying every {} s", execution.id(), e.getMessage(),
              ENGINE_RETRY.toSeconds());
          warned = true;
        }
        try {
          Thread.sleep(ENGINE_RETRY.toMillis());
        } catch (InterruptedException interrupted) {
          // checked by the loop
        }
      }
    }
    return Optional.empty();
  }

  private void collect(W workload, Exit exit) {
    Plan plan = execution.plan;
    Optional<BacktestState> requested = execution.endRequested();
    BacktestState end;
    String why;
    if (requested.isPresent()) {
      end = requested.get();
      why = engine.endMessage(end, plan);
    } else if (exit.exitCode().isPresent() && exit.exitCode().getAsInt() == 0) {
      end = BacktestState.SUCCEEDED;
      why = "";
    } else {
      end = BacktestState.FAILED;
      why = !exit.message().isEmpty() ? exit.message() : exit.exitCode().isPresent()
          ? "exited with code " + exit.exitCode().getAsInt()
          : "its workload disappeared before it reported an exit code (removed by someone else?)";
    }
    Optional<String> json = Optional.empty();
    if (end == BacktestState.SUCCEEDED || end == BacktestState.FAILED) {
      try {
        json = driver.readResult(workload, plan.resultPath(), engine.settings().resultMaxBytes());
      } catch (ResultTooLargeException e) {
        end = BacktestState.FAILED;
        why = e.getMessage();
      } catch (BerthException e) {
        LOG.warn("Reading the result of backtest {} failed: {}", execution.id(), e.getMessage());
        why = join(why, "its result could not be read: " + e.getMessage());
      }
      if (end == BacktestState.SUCCEEDED && json.isEmpty()) {
        why = "it wrote no result file at " + plan.resultPath();
      }
    }
    LogSpool spool = spool(workload);
    execution.spool.complete(Optional.of(spool));
    if (execution.abandoned()) {
      return;
    }
    Instant started = exit.startedAt().or(execution::startedAt).orElse(null);
    Instant finished = exit.finishedAt().orElseGet(Instant::now);
    BacktestResult.Builder result = BacktestResult.builder(execution.id(), end).exitCode(exit.exitCode())
        .startedAt(started).finishedAt(started != null && finished.isBefore(started) ? started : finished)
        .logTail(spool.tail());
    json.ifPresent(result::resultJson);
    why = join(why, store(json, spool, result));
    if (!plan.keep()) {
      try {
        driver.remove(workload);
        removed = true;
      } catch (BerthException e) {
        LOG.warn("Removing the workload of backtest {} failed ({}); the runner's next sweep removes it",
            execution.id(), e.getMessage());
      }
    }
    releaseLease(); // before the waiters wake: one of them may submit the same id at once
    execution.finish(result.message(why).build());
    LOG.info("Backtest {} ended {}{}", execution.id(), end, why.isEmpty() ? "" : ": " + why);
  }

  private LogSpool spool(W workload) {
    java.nio.file.Path file = engine.spoolFile(execution.id());
    try {
      return LogSpool.write(file, driver.logs(workload, LogOptions.DEFAULT), engine.settings().logTailLines());
    } catch (IOException | BerthException e) {
      LOG.warn("Reading the log of backtest {} failed: {}", execution.id(), e.getMessage());
      return LogSpool.empty(file);
    }
  }

  /**
   * Stores result and log; returns what went wrong, or an empty text. While the store is down the result
   * stays in memory only: the runner said so once, each result says so in its message.
   */
  private String store(Optional<String> json, LogSpool spool, BacktestResult.Builder result) {
    StoreAccess access = engine.store();
    if (access.store().isEmpty()) {
      return "";
    }
    Optional<ObjectStore> store = access.available();
    if (store.isEmpty()) {
      return "its result and log were not stored: " + access.outage().orElse("the object store is down");
    }
    String scope = engine.settings().scope();
    String id = execution.id();
    try {
      if (json.isPresent()) {
        String key = StorageLayout.backtestResultKey(scope, id);
        store.get().put(ObjectStore.RESULTS_BUCKET, key, json.get().getBytes(StandardCharsets.UTF_8),
            "application/json");
        result.resultLocation(StorageLayout.location(ObjectStore.RESULTS_BUCKET, key));
      }
      String key = StorageLayout.backtestLogKey(scope, id);
      if (Files.exists(spool.file())) {
        try (InputStream log = Files.newInputStream(spool.file())) {
          store.get().put(ObjectStore.RESULTS_BUCKET, key, log, Files.size(spool.file()), "text/plain; charset=utf-8");
        }
      } else {
        store.get().put(ObjectStore.RESULTS_BUCKET, key, new byte[0], "text/plain; charset=utf-8");
      }
      result.logsLocation(StorageLayout.location(ObjectStore.RESULTS_BUCKET, key));
      access.succeeded();
      return "";
    } catch (BerthException e) {
      access.failed(e);
      return "storing its result or log failed: " + e.getMessage();
    } catch (IOException e) {
      LOG.warn("Reading the spooled log of backtest {} failed: {}", id, e.toString());
      return "storing its log failed: " + e;
    }
  }

  private void endWithoutResult(BacktestState state, String why) {
    releaseLease();
    execution.finish(execution.resultBuilder(state, why).build());
    LOG.info("Backtest {} ended {}: {}", execution.id(), state, why);
  }

  private void releaseLease() {
    if (released) {
      return;
    }
    released = true;
    if (removed) {
      engine.leases().forget(execution.id(), lease);
    } else {
      lease.close();
    }
  }

  private static String join(String first, String second) {
    return first.isEmpty() ? second : second.isEmpty() ? first : first + "; " + second;
  }
}
