package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * What a backend does for the {@link BacktestEngine}: the few steps that differ between a container, a pod
 * and a process. Everything else (ids, timeouts, cancel, collecting and storing the outcome, follows that
 * lose no line, taking over the backtests of a runner that died) is the engine's, written once.
 *
 * <p>Every method may be called from several threads at once, for different workloads. A driver reports
 * failures as {@link dev.berth.runtime.BerthException}s naming the backtest.
 *
 * @param <W> the driver's handle of one launched workload (a container id, a process record, a pod name)
 */
public interface BacktestDriver<W> {
  /** The backend's type, e.g. {@code docker}. */
  String type();

  /** Where the workloads run, for messages and {@code toString()}: an endpoint or a directory. */
  String endpoint();

  /**
   * Cheap checks that need no I/O beyond the spec itself (backend options, unsupported settings), so a bad
   * spec fails {@code submit} instead of becoming a FAILED result.
   */
  void validate(BacktestSpec spec);

  /**
   * Materialises the code, creates and starts the workload, and records {@code metadata} on it (as labels,
   * in a state file, as annotations) so that {@link #list()} returns it to a later runner. Blocks until the
   * workload runs. When the calling thread is interrupted (cancel, timeout, close) it removes whatever it
   * made and throws {@link InterruptedException}; any other failure also leaves nothing behind.
   */
  W launch(BacktestSpec spec, Map<String, String> metadata) throws InterruptedException;

  /** Blocks until the workload has exited (at once when it already has) and says how it ended. */
  Exit awaitExit(W workload) throws InterruptedException;

  /**
   * The file the workload wrote at {@code resultPath} (relative to its working directory), empty when there
   * is none. Reads at most {@code maxBytes}.
   *
   * @throws ResultTooLargeException when the file is larger than {@code maxBytes}
   */
  Optional<String> readResult(W workload, String resultPath, long maxBytes);

  /**
   * The workload's log lines as {@code options} ask. A follow ends once the workload has exited and every
   * line was read, or when the stream is closed (from any thread). The engine fills lines a follow may have
   * missed from a complete read after the exit, so a driver's follow may end early; it must not deliver a
   * line twice or out of order.
   */
  Stream<LogLine> logs(W workload, LogOptions options);

  /** SIGTERM to the workload, SIGKILL after {@code grace}; returns once it has exited or was killed. */
  void stop(W workload, Duration grace);

  /** Removes the workload and every file it had; a no-op for what is already gone. */
  void remove(W workload);

  /** Every backtest workload of this runner's scope (running, exited or only files left), any runner's. */
  List<Found<W>> list();

  /** The workload of {@code backtestId} in this scope, any runner's. */
  Optional<Found<W>> find(String backtestId);

  /** Whether the backend answers now; never throws. */
  Health health();

  /** Releases clients and threads; never stops a workload. */
  void close();

  /**
   * How a workload ended.
   *
   * @param exitCode its exit code, empty when it is unknown (e.g. the workload was removed)
   * @param startedAt when it started, when known
   * @param finishedAt when it ended, when known
   * @param oomKilled whether it was killed for exceeding its memory limit
   * @param message for an abnormal end, what happened and what to do (e.g. which program was not found);
   *     empty for exit 0
   */
  record Exit(OptionalInt exitCode, Optional<Instant> startedAt, Optional<Instant> finishedAt, boolean oomKilled,
      String message) {
    public Exit {
      Objects.requireNonNull(exitCode, "exitCode");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(finishedAt, "finishedAt");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A workload {@link #list()} found.
   *
   * @param id the backtest's id
   * @param workload the driver's handle
   * @param metadata what {@link #launch} recorded on it; empty for a workload launched without it
   * @param running whether it runs now
   */
  record Found<W>(String id, W workload, Map<String, String> metadata, boolean running) {
    public Found {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(workload, "workload");
      metadata = Map.copyOf(metadata);
    }
  }
}
