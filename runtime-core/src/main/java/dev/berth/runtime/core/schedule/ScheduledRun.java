package dev.berth.runtime.core.schedule;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestState;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One tick of a schedule, as kept in {@link CronScheduler#history(String)}: the backtest it started and how it
 * ended.
 *
 * @param scheduleId the schedule's id
 * @param runId the backtest's id, {@code <scheduleId>-<epoch second of the tick>}: unique per tick, and the
 *     same for the same tick in any process, so two schedulers never run one tick twice
 * @param scheduledFor the tick
 * @param startedAt when the scheduler handled the tick
 * @param outcome how it ended so far
 * @param result the backtest's result once it ended
 * @param message why it did not run or did not succeed; empty otherwise
 */
public record ScheduledRun(String scheduleId, String runId, Instant scheduledFor, Instant startedAt,
    Outcome outcome, Optional<BacktestResult> result, String message) {

  /** How a run ended, or that it is still running. */
  public enum Outcome {
    /** The backtest was submitted and has not ended. */
    RUNNING,
    /** The backtest succeeded. */
    SUCCEEDED,
    /** The backtest failed (see the result's exit code and message). */
    FAILED,
    /** The backtest ran out of time. */
    TIMED_OUT,
    /** The backtest was cancelled. */
    CANCELLED,
    /** The runner refused the submission (see the message); nothing ran. */
    NOT_STARTED,
    /** The previous run was still running and the schedule does not allow overlapping runs; nothing ran. */
    SKIPPED;

    /** Whether the run can still change. */
    public boolean isFinal() {
      return this != RUNNING;
    }

    static Outcome of(BacktestState state) {
      return switch (state) {
        case SUCCEEDED -> SUCCEEDED;
        case TIMED_OUT -> TIMED_OUT;
        case CANCELLED -> CANCELLED;
        case PENDING, RUNNING -> RUNNING;
        default -> FAILED;
      };
    }
  }

  public ScheduledRun {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(scheduledFor, "scheduledFor");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(message, "message");
  }

  /** This run, ended with {@code result}. */
  ScheduledRun ended(BacktestResult result) {
    return new ScheduledRun(scheduleId, runId, scheduledFor, startedAt, Outcome.of(result.state()),
        Optional.of(result), result.message());
  }
}
