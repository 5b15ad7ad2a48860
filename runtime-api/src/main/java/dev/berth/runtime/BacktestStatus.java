package dev.berth.runtime;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of one backtest's state.
 *
 * @param id the caller's id
 * @param state lifecycle state
 * @param exitCode the workload's exit code once it has exited
 * @param startedAt when the workload started
 * @param finishedAt when it reached a terminal state
 * @param message why it failed, timed out or was cancelled; empty when none
 */
public record BacktestStatus(
    String id,
    BacktestState state,
    OptionalInt exitCode,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    String message) {

  public BacktestStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(message, "message");
  }

  public static BacktestStatus pending(String id) {
    return new BacktestStatus(id, BacktestState.PENDING, OptionalInt.empty(), Optional.empty(),
        Optional.empty(), "");
  }
}
