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

  /**
   * A builder with the required parts, in the same shape as {@link BotStatus#builder} and
   * {@link BacktestResult#builder}.
   *
   * <pre>{@code
   * BacktestStatus pending = BacktestStatus.builder("bt-1", BacktestState.PENDING).build();
   * }</pre>
   */
  public static Builder builder(String id, BacktestState state) {
    return new Builder(id, state);
  }

  /** A builder pre-filled with this status, for deriving one status from another. */
  public Builder toBuilder() {
    Builder b = new Builder(id, state).exitCode(exitCode).message(message);
    b.startedAt = startedAt.orElse(null);
    b.finishedAt = finishedAt.orElse(null);
    return b;
  }

  /** Builder for {@link BacktestStatus}: id and state are required, everything else defaults to empty. */
  public static final class Builder {
    private final String id;
    private BacktestState state;
    private OptionalInt exitCode = OptionalInt.empty();
    private Instant startedAt;
    private Instant finishedAt;
    private String message = "";

    private Builder(String id, BacktestState state) {
      this.id = id;
      this.state = state;
    }

    /** Replaces the state, e.g. in a status derived with {@link BacktestStatus#toBuilder()}. */
    public Builder state(BacktestState state) {
      this.state = state;
      return this;
    }

    public Builder exitCode(OptionalInt exitCode) {
      this.exitCode = exitCode;
      return this;
    }

    public Builder exitCode(int exitCode) {
      return exitCode(OptionalInt.of(exitCode));
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public BacktestStatus build() {
      return new BacktestStatus(id, state, exitCode, Optional.ofNullable(startedAt), Optional.ofNullable(finishedAt),
          message);
    }
  }
}
