package dev.berth.runtime;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which log lines {@link Runtime#logs(String, LogOptions)} returns.
 *
 * <pre>{@code
 * LogOptions.tail(100);                                        // the last 100 lines, then end
 * LogOptions.builder().follow(true).since(start).build();      // everything since start, then follow
 * }</pre>
 *
 * <p>A follow delivers every line exactly once and in order. Where a backend has really lost lines before
 * a follower read them (the local runtime's log rotation outpacing a reader), it delivers in their place one
 * line on {@link LogStream#STDERR} reading {@code [berth: <n> lines of log dropped by rotation]} ({@code 1 line}
 * for one; {@code by a recreating update} when an update emptied the log of the run being followed), whatever
 * {@code streams} and {@code since} ask for: never a silent hole.
 *
 * @param follow keep the stream open and deliver new lines until the workload stops or the stream is
 *     closed
 * @param tail at most this many of the latest existing lines; {@link #ALL} for all
 * @param since only lines at or after this instant
 * @param streams which output streams, never empty
 */
public record LogOptions(boolean follow, int tail, Optional<Instant> since, Set<LogStream> streams) {
  /** {@link #tail} value meaning "all lines". */
  public static final int ALL = -1;

  /** All existing lines of both streams, without following. */
  public static final LogOptions DEFAULT =
      new LogOptions(false, ALL, Optional.empty(), EnumSet.allOf(LogStream.class));

  public LogOptions {
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(streams, "streams");
    new Violations("LogOptions")
        .check(tail >= ALL, "tail", tail + " is invalid; use LogOptions.ALL or a count >= 0")
        .check(!streams.isEmpty(), "streams", "is empty; ask for STDOUT, STDERR or both")
        .throwIfAny();
    streams = Set.copyOf(streams);
  }

  /** The last {@code lines} lines, not following. */
  public static LogOptions tail(int lines) {
    return builder().tail(lines).build();
  }

  /** All lines, then new ones until the workload stops or the stream is closed. */
  public static LogOptions following() {
    return builder().follow(true).build();
  }

  /** Whether a line passes the {@code since} and {@code streams} filters (not {@code tail}). */
  public boolean accepts(LogLine line) {
    return streams.contains(line.stream()) && since.map(s -> !line.timestamp().isBefore(s)).orElse(true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link LogOptions}. */
  public static final class Builder {
    private boolean follow;
    private int tail = ALL;
    private Instant since;
    private Set<LogStream> streams = EnumSet.allOf(LogStream.class);

    private Builder() {}

    public Builder follow(boolean follow) {
      this.follow = follow;
      return this;
    }

    public Builder tail(int tail) {
      this.tail = tail;
      return this;
    }

    public Builder since(Instant since) {
      this.since = since;
      return this;
    }

    public Builder streams(Set<LogStream> streams) {
      this.streams = streams;
      return this;
    }

    public Builder stdoutOnly() {
      return streams(EnumSet.of(LogStream.STDOUT));
    }

    public Builder stderrOnly() {
      return streams(EnumSet.of(LogStream.STDERR));
    }

    public LogOptions build() {
      return new LogOptions(follow, tail, Optional.ofNullable(since), streams);
    }
  }
}
