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
 *   System.out.println(result.state() + " " + result.resultJson().orElse("-"));
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} releases clients and threads; backtests still running keep running
 * and are swept by label (unless {@link BacktestSpec#keep()}) when the next runner of the scope starts.
 */
public interface BacktestRunner extends AutoCloseable {
  String type();

  /**
   * Starts the backtest and returns at once.
   *
   * @throws BotAlreadyExistsException when a backtest with this id exists
   */
  BacktestExecution submit(BacktestSpec spec);

  /** Submits and waits for the result (at most the spec's timeout, plus clean-up). */
  default BacktestResult run(BacktestSpec spec) {
    return submit(spec).await();
  }

  /** The current state. @throws BotNotFoundException when unknown */
  BacktestStatus status(String backtestId);

  /** The backtest's log lines; see {@link Runtime#logs(String, LogOptions)}. */
  Stream<LogLine> logs(String backtestId, LogOptions options);

  /** Kills the backtest; it ends CANCELLED. A no-op once it has ended. */
  void cancel(String backtestId);

  /** Cancels it if running and removes everything it left (workload, files, kept results). Idempotent. */
  void delete(String backtestId);

  /** Whether the backend answers now; never throws. */
  Health health();

  @Override
  void close();
}
