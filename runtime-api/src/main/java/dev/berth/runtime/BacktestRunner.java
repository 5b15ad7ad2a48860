package dev.berth.runtime;

import java.util.stream.Stream;

/**
 * Runs backtests: a workload runs once, writes its result JSON, and is cleaned up (container, pod or
 * process and temp files), whatever the outcome.
 *
 * <pre>{@code
 * try (BacktestRunner runner = Runtimes.backtests("local", RuntimeConfig.empty())) {
 *   BacktestResult result = runner.run(BacktestSpec.builder("bt-1")
 *       .command("sh", "-c", "echo '{\"pnl\": 12.5}' > result.json").build());
 *   log.info("{} {}", result.state(), result.resultJson().orElse("-"));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Every method taking an id throws {@link InvalidSpecException} for an id that is not a
 * DNS-1123 label, and every such method except {@link #delete} throws {@link BacktestNotFoundException}
 * for a valid id the scope does not know. {@link #close()} releases clients and threads; backtests still
 * running keep running and are swept by label (unless {@link BacktestSpec#keep()}) by the next runner of the
 * scope. After {@code close()}, every method except {@code close()}, {@link #type()} and {@link #health()}
 * (which reports the runner unhealthy) throws {@link RuntimeClosedException}.
 */
public interface BacktestRunner extends AutoCloseable {
  /** The backend's type: {@code docker}, {@code kubernetes}, {@code local}, {@code apple}, {@code mock}. */
  String type();

  /**
   * Starts the backtest and returns at once.
   *
   * @throws BacktestAlreadyExistsException when a backtest with this id exists (until it is deleted)
   */
  BacktestExecution submit(BacktestSpec spec);

  /** Submits and waits for the result (at most the spec's timeout, plus clean-up). */
  default BacktestResult run(BacktestSpec spec) {
    return submit(spec).await();
  }

  /**
   * The current state.
   *
   * @throws BacktestNotFoundException when the scope has no backtest with this id
   */
  BacktestStatus status(String backtestId);

  /** The backtest's log lines; see {@link Runtime#logs(String, LogOptions)}. */
  Stream<LogLine> logs(String backtestId, LogOptions options);

  /**
   * Kills the backtest (SIGTERM, then kill after the configured {@code stop-grace}); it ends CANCELLED. A
   * no-op once it has ended.
   *
   * @throws BacktestNotFoundException when the scope has no backtest with this id
   */
  void cancel(String backtestId);

  /** Cancels it if running and removes everything it left (workload, files, kept results). Idempotent. */
  void delete(String backtestId);

  /** Whether the backend answers now; never throws (a closed runner is reported unhealthy). */
  Health health();

  /** Releases clients and threads; running backtests keep running. Idempotent. */
  @Override
  void close();
}
