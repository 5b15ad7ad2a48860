package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backtests as Docker containers: each runs once on its own thread, its result file is copied out of the
 * container, result and logs go to the object store ({@code test-results/<id>/result.json} and
 * {@code logs.txt}) when one is configured, and the container and workspace are removed whatever the
 * outcome (unless {@code keep}). On start the runner sweeps what crashed runners of its scope left.
 *
 * <pre>{@code
 * try (BacktestRunner runner = DockerBacktestRunner.builder().scope("research").objectStore(store).build()) {
 *   BacktestResult result = runner.run(spec);
 * }
 * }</pre>
 *
 * <p>The workspace is mounted writable at {@code /backtest} (it is this run's own copy), so the workload
 * writes its result next to its code.
 */
public final class DockerBacktestRunner implements BacktestRunner {
  private static final Logger log = LoggerFactory.getLogger(DockerBacktestRunner.class);

  private final DockerConnection connection;
  private final ContainerLookup lookup;
  private final BacktestRunnerParts parts;
  private final IdLocks locks = new IdLocks();
  private final Map<String, BacktestJob> jobs = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> timeouts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final String scope;
  private final AtomicBoolean closed = new AtomicBoolean();

  DockerBacktestRunner(DockerBuilder.Parts built) {
    this.connection = built.connection();
    DockerSettings settings = built.settings();
    this.scope = settings.scope();
    this.lookup = new ContainerLookup(connection, settings.scope(), Labels.KIND_BACKTEST);
    BotFiles files = new BotFiles(settings.scopeDir(), Labels.KIND_BACKTEST);
    this.parts = new BacktestRunnerParts(connection, settings, built.creator(), lookup, files, built.store());
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "berth-docker-backtest-timer-" + settings.scope());
      thread.setDaemon(true);
      return thread;
    });
    int swept = new BacktestSweeper(connection.client(), lookup, parts, settings.sweepGrace())
        .sweep(jobs::containsKey);
    if (swept > 0) {
      log.info("Removed {} leftover backtest container(s) of scope {}", swept, settings.scope());
    }
  }

  /** A builder; unset settings come from the environment like the docker CLI's. */
  public static DockerBuilder<DockerBacktestRunner> builder() {
    return new DockerBuilder<>(DockerBacktestRunner::new);
  }

  @Override
  public String type() {
    return DockerRuntimeProvider.TYPE;
  }

  @Override
  public BacktestExecution submit(BacktestSpec spec) {
    requireOpen();
    return locks.with(spec.id(), () -> {
      // An ended backtest keeps its id until delete, like a bot.
      if (jobs.containsKey(spec.id()) || lookup.findByLabel(spec.id()).isPresent()) {
        throw new BacktestAlreadyExistsException(spec.id(), scope);
      }
      BacktestJob job = new BacktestJob(spec, parts);
      jobs.put(spec.id(), job);
      ScheduledFuture<?> timeout = timer.schedule(job::timeout,
          Math.max(0, Duration.between(Instant.now(), job.deadline()).toMillis()), TimeUnit.MILLISECONDS);
      timeouts.put(spec.id(), timeout);
      Thread thread = new Thread(() -> {
        try {
          job.run();
        } finally {
          timeouts.remove(spec.id(), timeout); // not a resubmitted job's timeout under the same id
          timeout.cancel(false);
        }
      }, "berth-docker-backtest-" + spec.id());
      thread.setDaemon(true);
      thread.start();
      log.info("Submitted backtest {}", spec.id());
      return job;
    });
  }

  @Override
  public BacktestStatus status(String backtestId) {
    requireOpen(backtestId);
    BacktestJob job = jobs.get(backtestId);
    if (job != null) {
      return job.status();
    }
    return lookup.withContainer(backtestId, containerId -> statusOf(backtestId,
        connection.client().inspectContainerCmd(containerId).exec()));
  }

  @Override
  public Stream<LogLine> logs(String backtestId, LogOptions options) {
    requireOpen(backtestId);
    BacktestJob job = jobs.get(backtestId);
    if (job == null) {
      String containerId = lookup.find(backtestId).orElseThrow(() -> lookup.notFound(backtestId));
      return parts.logs().open(containerId, options, backtestId);
    }
    if (!job.status().state().isTerminal()) {
      Optional<String> containerId = job.awaitContainer(); // a follow opened right after submit waits for it
      if (containerId.isPresent() && !job.status().state().isTerminal()) {
        return parts.logs().open(containerId.get(), options, backtestId);
      }
    }
    return job.logsAfterEnd(options); // the container is gone: what was captured when it ended
  }

  @Override
  public void cancel(String backtestId) {
    requireOpen(backtestId);
    BacktestJob job = jobs.get(backtestId);
    if (job != null) {
      job.cancel();
      return;
    }
    locks.run(backtestId, () -> parts.kill(lookup.find(backtestId)
        .orElseThrow(() -> lookup.notFound(backtestId))));
  }

  @Override
  public void delete(String backtestId) {
    requireOpen(backtestId);
    locks.run(backtestId, () -> {
      BacktestJob job = jobs.remove(backtestId);
      if (job != null) {
        job.cancel();
        job.await(Duration.ofSeconds(30));
      }
      lookup.findByLabel(backtestId).ifPresent(containerId -> parts.remove(backtestId, containerId));
      parts.remove(backtestId, null);
      parts.deleteStored(backtestId);
    });
  }

  @Override
  public Health health() {
    if (closed.get()) {
      return Health.unhealthy("closed: this docker backtest runner (scope '" + scope + "') was closed; create a "
          + "new one");
    }
    return connection.health();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw RuntimeClosedException.backtestRunner(type(), scope);
    }
  }

  private void requireOpen(String backtestId) {
    requireOpen();
    WorkloadKind.BACKTEST.requireValidId(backtestId);
  }

  /** Stops waiting for running backtests (they keep running and are swept later) and releases the client. */
  @Override
  public void close() {
    closed.set(true);
    timer.shutdownNow();
    jobs.values().stream().filter(job -> !job.status().state().isTerminal()).forEach(BacktestJob::abandon);
    connection.close();
  }

  private static BacktestStatus statusOf(String id, InspectContainerResponse container) {
    InspectContainerResponse.ContainerState state = container.getState();
    String status = String.valueOf(state.getStatus());
    Optional<Instant> started = StatusMapper.instant(state.getStartedAt());
    Optional<Instant> finished = StatusMapper.instant(state.getFinishedAt());
    switch (status) {
      case "created":
        return BacktestStatus.builder(id, BacktestState.PENDING).build();
      case "running":
      case "restarting":
      case "paused":
        return new BacktestStatus(id, BacktestState.RUNNING, OptionalInt.empty(), started, Optional.empty(), "");
      default:
        int code = state.getExitCodeLong() == null ? -1 : state.getExitCodeLong().intValue();
        return new BacktestStatus(id, code == 0 ? BacktestState.SUCCEEDED : BacktestState.FAILED,
            OptionalInt.of(code), started, finished, code == 0 ? "" : "exited with code " + code);
    }
  }
}
