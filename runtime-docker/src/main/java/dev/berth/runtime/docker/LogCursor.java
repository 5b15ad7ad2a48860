package dev.berth.runtime.docker;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where a reader of a container's log stands: per stream, the timestamp of the last line it was given and
 * how many lines with exactly that timestamp it was given (lines written within one clock tick share a
 * timestamp). A read that starts at or before that point can then skip exactly what was delivered.
 * Timestamps are compared per stream: Docker stamps each stream's lines in order, but stdout and stderr
 * are copied separately, so their lines may be a little out of order with each other in the stored log.
 */
final class LogCursor {
  private final Map<LogStream, Instant> marks = new EnumMap<>(LogStream.class);
  private final Map<LogStream, Long> atMark = new EnumMap<>(LogStream.class);
  private Instant latest;

  /** Records that {@code line} was delivered. */
  void delivered(LogLine line) {
    Instant mark = marks.get(line.stream());
    Instant stamp = line.timestamp();
    if (stamp.equals(mark)) {
      atMark.merge(line.stream(), 1L, Long::sum);
    } else if (mark == null || stamp.isAfter(mark)) { // an earlier stamp (the clock stepped back) keeps the mark
      marks.put(line.stream(), stamp);
      atMark.put(line.stream(), 1L);
    }
    if (latest == null || stamp.isAfter(latest)) {
      latest = stamp;
    }
  }

  /** The newest timestamp delivered on any stream; empty before the first line. */
  Optional<Instant> latest() {
    return Optional.ofNullable(latest);
  }

  /**
   * A filter for a read that starts at or before {@link #latest()} (or, for a stream, before its mark): it
   * passes only lines not delivered yet. Stateful: use it for one read, in order.
   */
  Predicate<LogLine> undelivered() {
    Map<LogStream, Instant> from = new EnumMap<>(marks);
    Map<LogStream, Long> skip = new EnumMap<>(atMark);
    return line -> {
      Instant mark = from.get(line.stream());
      if (mark == null || line.timestamp().isAfter(mark)) {
        return true;
      }
      if (line.timestamp().isBefore(mark)) {
        return false;
      }
      long left = skip.getOrDefault(line.stream(), 0L);
      if (left > 0) {
        skip.put(line.stream(), left - 1);
        return false;
      }
      return true;
    };
  }
}
