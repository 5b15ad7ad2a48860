package dev.berth.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of one bot's state.
 *
 * @param id the caller's id
 * @param state lifecycle state
 * @param runtimeId the backend's native id (container id, pod name, pid); informational only
 * @param exitCode the last exit code once the bot has exited
 * @param oomKilled whether the last exit was an out-of-memory kill
 * @param startedAt when the current (or last) run started
 * @param finishedAt when the last run ended
 * @param restartCount how many times the runtime restarted it per its restart policy
 * @param message a human-readable note: why it failed, what is not enforced; empty when none
 * @param labels the bot's user labels, the fleet labels among them (Berth's own labels are not included)
 */
public record BotStatus(
    String id,
    BotState state,
    String runtimeId,
    OptionalInt exitCode,
    boolean oomKilled,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    int restartCount,
    String message,
    Map<String, String> labels) {

  public BotStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(runtimeId, "runtimeId");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(message, "message");
    labels = Map.copyOf(labels);
  }

  public boolean isRunning() {
    return state == BotState.RUNNING;
  }

  /**
   * A builder with the required parts; backends use it, callers read statuses.
   *
   * <pre>{@code
   * BotStatus status = BotStatus.builder("momentum-btc", BotState.FAILED).exitCode(3).message("exited with code 3").build();
   * }</pre>
   */
  public static Builder builder(String id, BotState state) {
    return new Builder(id, state);
  }

  /** A builder pre-filled with this status, for deriving one status from another. */
  public Builder toBuilder() {
    Builder b = new Builder(id, state).runtimeId(runtimeId).oomKilled(oomKilled)
        .restartCount(restartCount).message(message).labels(labels);
    b.exitCode = exitCode;
    b.startedAt = startedAt.orElse(null);
    b.finishedAt = finishedAt.orElse(null);
    return b;
  }

  /** Builder for {@link BotStatus}: id and state are required, everything else defaults to empty. */
  public static final class Builder {
    private final String id;
    private BotState state;
    private String runtimeId = "";
    private OptionalInt exitCode = OptionalInt.empty();
    private boolean oomKilled;
    private Instant startedAt;
    private Instant finishedAt;
    private int restartCount;
    private String message = "";
    private Map<String, String> labels = Map.of();

    private Builder(String id, BotState state) {
      this.id = id;
      this.state = state;
    }

    /** Replaces the state, e.g. in a status derived with {@link BotStatus#toBuilder()}. */
    public Builder state(BotState state) {
      this.state = state;
      return this;
    }

    public Builder runtimeId(String runtimeId) {
      this.runtimeId = runtimeId;
      return this;
    }

    public Builder exitCode(int exitCode) {
      this.exitCode = OptionalInt.of(exitCode);
      return this;
    }

    public Builder noExitCode() {
      this.exitCode = OptionalInt.empty();
      return this;
    }

    public Builder oomKilled(boolean oomKilled) {
      this.oomKilled = oomKilled;
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

    public Builder restartCount(int restartCount) {
      this.restartCount = restartCount;
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = labels;
      return this;
    }

    public BotStatus build() {
      return new BotStatus(id, state, runtimeId, exitCode, oomKilled, Optional.ofNullable(startedAt),
          Optional.ofNullable(finishedAt), restartCount, message, labels);
    }
  }
}
