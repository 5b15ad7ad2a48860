package dev.berth.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of a finished backtest.
 *
 * @param id the caller's id
 * @param state the terminal state
 * @param exitCode the workload's exit code, when it exited
 * @param resultJson the JSON text the workload wrote to its result path, if any
 * @param logTail the last lines the workload wrote (both streams, oldest first)
 * @param startedAt when the workload started
 * @param finishedAt when it reached its terminal state
 * @param resultLocation where the result was stored (e.g. {@code test-results/<id>/result.json}), if a
 *     store is configured and there was a result
 * @param logsLocation where the full logs were stored, if a store is configured
 * @param message why it failed, timed out or was cancelled; empty on success
 */
public record BacktestResult(
    String id,
    BacktestState state,
    OptionalInt exitCode,
    Optional<String> resultJson,
    List<LogLine> logTail,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> resultLocation,
    Optional<String> logsLocation,
    String message) {

  public BacktestResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(resultJson, "resultJson");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(resultLocation, "resultLocation");
    Objects.requireNonNull(logsLocation, "logsLocation");
    Objects.requireNonNull(message, "message");
    logTail = List.copyOf(logTail);
  }

  public boolean succeeded() {
    return state == BacktestState.SUCCEEDED;
  }

  /** Wall-clock time from start to finish, when both are known. */
  public Optional<Duration> duration() {
    return startedAt.flatMap(start -> finishedAt.map(end -> Duration.between(start, end)));
  }

  /** The status part of this result. */
  public BacktestStatus status() {
    return BacktestStatus.builder(id, state).exitCode(exitCode).startedAt(startedAt.orElse(null))
        .finishedAt(finishedAt.orElse(null)).message(message).build();
  }

  /**
   * A builder with the required parts, in the same shape as {@link BotStatus#builder} and
   * {@link BacktestStatus#builder}.
   *
   * <pre>{@code
   * BacktestResult result = BacktestResult.builder("bt-1", BacktestState.SUCCEEDED).exitCode(0).resultJson("{}").build();
   * }</pre>
   */
  public static Builder builder(String id, BacktestState state) {
    return new Builder(id, state);
  }

  /** A builder pre-filled with this result, for deriving one result from another. */
  public Builder toBuilder() {
    return new Builder(id, state).exitCode(exitCode).resultJson(resultJson.orElse(null)).logTail(logTail)
        .startedAt(startedAt.orElse(null)).finishedAt(finishedAt.orElse(null))
        .resultLocation(resultLocation.orElse(null)).logsLocation(logsLocation.orElse(null)).message(message);
  }

  /** Builder for {@link BacktestResult}: id and state are required, everything else defaults to empty. */
  public static final class Builder {
    private final String id;
    private BacktestState state;
    private OptionalInt exitCode = OptionalInt.empty();
    private String resultJson;
    private List<LogLine> logTail = List.of();
    private Instant startedAt;
    private Instant finishedAt;
    private String resultLocation;
    private String logsLocation;
    private String message = "";

    private Builder(String id, BacktestState state) {
      this.id = id;
      this.state = state;
    }

    /** Replaces the state, e.g. in a result derived with {@link BacktestResult#toBuilder()}. */
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

    public Builder resultJson(String resultJson) {
      this.resultJson = resultJson;
      return this;
    }

    public Builder logTail(List<LogLine> logTail) {
      this.logTail = logTail;
      return this;
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    public Builder resultLocation(String resultLocation) {
      this.resultLocation = resultLocation;
      return this;
    }

    public Builder logsLocation(String logsLocation) {
      this.logsLocation = logsLocation;
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    /** Copies exit code, times and message from a terminal status. */
    public Builder from(BacktestStatus status) {
      this.exitCode = status.exitCode();
      this.startedAt = status.startedAt().orElse(null);
      this.finishedAt = status.finishedAt().orElse(null);
      this.message = status.message();
      return this;
    }

    public BacktestResult build() {
      return new BacktestResult(id, state, exitCode, Optional.ofNullable(resultJson), logTail,
          Optional.ofNullable(startedAt), Optional.ofNullable(finishedAt),
          Optional.ofNullable(resultLocation), Optional.ofNullable(logsLocation), message);
    }
  }
}
