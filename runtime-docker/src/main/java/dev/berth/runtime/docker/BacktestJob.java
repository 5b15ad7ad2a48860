package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.WaitResponse;
import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.BacktestTimeoutException;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backtest on its own thread: create (pulling the image if needed), start, wait, collect the result
 * and the logs, store them, remove the container and files. Cancel and timeout interrupt whichever stage
 * is running, including a pull, and kill the container.
 */
final class BacktestJob implements BacktestExecution, Runnable {
  private static final Logger log = LoggerFactory.getLogger(BacktestJob.class);

  private final BacktestSpec spec;
  private final BacktestRunnerParts parts;
  private final Instant deadline;
  private final CompletableFuture<BacktestResult> future = new CompletableFuture<>();
  /** Completes with the container id once it runs, or with empty when the job ends without running one. */
  private final CompletableFuture<Optional<String>> container = new CompletableFuture<>();
  private volatile BacktestStatus status;
  private volatile Thread thread;
  private volatile String containerId;
  private volatile BacktestState endRequested; // CANCELLED or TIMED_OUT
  private volatile List<LogLine> capturedLogs = List.of();
  private volatile boolean abandoned;

  BacktestJob(BacktestSpec spec, BacktestRunnerParts parts) {
    this.spec = spec;
    this.parts = parts;
    this.deadline = Instant.now().plus(spec.timeout());
    this.status = BacktestStatus.builder(spec.id(), BacktestState.PENDING).build();
  }

  @Override
  public String id() {
    return spec.id();
  }

  @Override
  public BacktestStatus status() {
    return status;
  }

  Optional<String> containerId() {
    return Optional.ofNullable(containerId);
  }

  /** Waits until the container runs (empty when the job ended without running one). */
  Optional<String> awaitContainer() {
    try {
      return container.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.ofNullable(containerId);
    } catch (ExecutionException e) {
      return Optional.empty();
    }
  }

  /**
   * The lines captured when it ended (only the result's tail once the full logs are in the object store);
   * empty while it runs.
   */
  List<LogLine> capturedLogs() {
    return capturedLogs;
  }

  @Override
  public BacktestResult await() {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while waiting for backtest '" + spec.id() + "'", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BerthException ? (BerthException) e.getCause()
          : new RuntimeOperationException("Backtest '" + spec.id() + "' failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public BacktestResult await(Duration maxWait) {
    try {
      return future.get(Math.max(0, maxWait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BacktestTimeoutException(spec.id(), maxWait, status().state());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while waiting for backtest '" + spec.id() + "'", e);
    } catch (ExecutionException e) {
      return await();
    }
  }

  @Override
  public CompletableFuture<BacktestResult> result() {
    return future.copy();
  }

  @Override
  public void cancel() {
    end(BacktestState.CANCELLED);
  }

  /** Called by the runner's timer at the deadline. */
  void timeout() {
    end(BacktestState.TIMED_OUT);
  }

  private synchronized void end(BacktestState reason) {
    if (status.state().isTerminal() || endRequested != null) {
      return;
    }
    endRequested = reason;
    Thread running = thread;
    if (running != null) {
      running.interrupt();
    }
    String container = containerId;
    if (container != null) {
      parts.kill(container);
    }
  }

  Instant deadline() {
    return deadline;
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    BacktestResult result = null;
    Throwable failure = null;
    try {
      result = execute();
    } catch (Throwable e) { // also Errors: the future must complete and the container go
      failure = e;
      try {
        result = finish(endRequested != null ? endRequested : BacktestState.FAILED, OptionalInt.empty(),
            Optional.empty(), endRequested != null ? message(endRequested) : Objects.toString(e.getMessage(),
                e.toString()));
      } catch (Throwable again) {
        failure.addSuppressed(again);
      }
    } finally {
      synchronized (this) {
        thread = null;
      }
      Thread.interrupted();
      container.complete(Optional.empty());
      if (!abandoned) { // else the container stays for the next runner's sweep
        try {
          cleanUp();
        } finally {
          complete(result != null ? result : failed(failure));
        }
      }
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
  }

  /** The result when even {@link #finish} failed: no logs, no stored files. */
  private BacktestResult failed(Throwable failure) {
    String message = failure == null ? "the backtest thread ended without a result"
        : Objects.toString(failure.getMessage(), failure.toString());
    BacktestState state = endRequested != null ? endRequested : BacktestState.FAILED;
    try {
      BacktestResult result = BacktestResult.builder(spec.id(), state).message(message.isBlank() ? state.toString()
          : message).finishedAt(Instant.now()).build();
      status = result.status();
      return result;
    } catch (RuntimeException e) {
      future.completeExceptionally(new RuntimeOperationException("Backtest '" + spec.id() + "' failed: " + message,
          failure));
      return null;
    }
  }

  private BacktestResult execute() {
    if (endRequested != null) {
      return finish(endRequested, OptionalInt.empty(), Optional.empty(), message(endRequested));
    }
    String created = parts.create(spec, Map.of(Labels.DEADLINE, String.valueOf(deadline.getEpochSecond())));
    synchronized (this) {
      containerId = created;
      if (endRequested != null) {
        return finish(endRequested, OptionalInt.empty(), Optional.empty(), message(endRequested));
      }
    }
    parts.start(spec.id(), created);
    BacktestState endedBeforeStart;
    synchronized (this) {
      endedBeforeStart = endRequested;
      if (endedBeforeStart != null) { // end() came before the start and found nothing running to kill
        parts.kill(created);
      }
    }
    if (endedBeforeStart != null) {
      return finish(endedBeforeStart, OptionalInt.empty(), Optional.empty(), message(endedBeforeStart));
    }
    container.complete(Optional.of(created)); // started: a follow now sees its output
    status = new BacktestStatus(spec.id(), BacktestState.RUNNING, OptionalInt.empty(), Optional.of(Instant.now()),
        Optional.empty(), "");
    Integer exitCode = waitForExit(created);
    if (endRequested != null || exitCode == null) {
      BacktestState state = endRequested != null ? endRequested : BacktestState.FAILED;
      return finish(state, OptionalInt.empty(), Optional.empty(), endRequested != null ? message(state)
          : "waiting for the container failed");
    }
    if (exitCode != 0) {
      return finish(BacktestState.FAILED, OptionalInt.of(exitCode), Optional.empty(),
          "exited with code " + exitCode);
    }
    Optional<String> result = parts.collector().collect(spec.id(), created,
        BacktestRunnerParts.WORKDIR + "/" + spec.resultPath());
    return finish(BacktestState.SUCCEEDED, OptionalInt.of(0), result,
        result.isPresent() ? "" : "no result file at " + spec.resultPath());
  }

  private Integer waitForExit(String container) {
    AtomicReference<Integer> code = new AtomicReference<>();
    QuietCallback<WaitResponse> callback = new QuietCallback<>() {
      @Override
      public void onNext(WaitResponse response) {
        code.set(response.getStatusCode());
      }
    };
    try {
      parts.client().waitContainerCmd(container).exec(callback).awaitCompletion();
      return code.get();
    } catch (InterruptedException e) {
      return null;
    } finally {
      QuietCallback.closeQuietly(callback);
    }
  }

  /** Captures logs, stores result and logs, and builds the result; the container still exists here. */
  private BacktestResult finish(BacktestState state, OptionalInt exitCode, Optional<String> resultJson,
      String message) {
    Thread.interrupted(); // a cancel's interrupt must not break the collection below
    Instant finishedAt = Instant.now();
    if (abandoned) {
      return BacktestResult.builder(spec.id(), state).message("the runner was closed").build();
    }
    String container = containerId;
    if (container != null) {
      capturedLogs = parts.captureLogs(spec.id(), container);
    }
    List<LogLine> all = capturedLogs;
    List<LogLine> tail = List.copyOf(all.subList(Math.max(0, all.size() - parts.settings().logTailLines()),
        all.size()));
    BacktestResult.Builder builder = BacktestResult.builder(spec.id(), state).exitCode(exitCode)
        .startedAt(status.startedAt().orElse(null)).finishedAt(finishedAt).message(message).logTail(tail);
    resultJson.ifPresent(builder::resultJson);
    Map<String, String> stored = parts.store(spec.id(), resultJson, all);
    if (stored.containsKey("logs")) {
      capturedLogs = tail; // the full logs are in the store: an ended job keeps only the tail in memory
    }
    stored.forEach((kind, location) -> {
      if (kind.equals("result")) {
        builder.resultLocation(location);
      } else {
        builder.logsLocation(location);
      }
    });
    BacktestResult result = builder.build();
    status = result.status();
    return result;
  }

  private void cleanUp() {
    if (spec.keep()) {
      return;
    }
    try {
      parts.remove(spec.id(), containerId);
    } catch (RuntimeException e) {
      log.warn("Cleaning up backtest {} failed: {}; the next runner of the scope sweeps it", spec.id(),
          e.getMessage());
    }
  }

  private void complete(BacktestResult result) {
    if (result == null) {
      return; // completed exceptionally
    }
    log.info("Backtest {} ended {}{}", spec.id(), result.state(),
        result.message().isEmpty() ? "" : ": " + result.message());
    future.complete(result);
  }

  /** Ends the execution without a result because the runner was closed. */
  void abandon() {
    abandoned = true;
    future.completeExceptionally(new RuntimeOperationException("The runner was closed while backtest '"
        + spec.id() + "' ran; it keeps running and the next runner of the scope sweeps it"));
  }

  Stream<LogLine> logsAfterEnd(LogOptions options) {
    List<LogLine> lines = capturedLogs.stream().filter(options::accepts).toList();
    int from = options.tail() < 0 ? 0 : Math.max(0, lines.size() - options.tail());
    return lines.subList(from, lines.size()).stream();
  }

  private String message(BacktestState state) {
    return state == BacktestState.TIMED_OUT ? "timed out after " + spec.timeout() : "cancelled";
  }
}
