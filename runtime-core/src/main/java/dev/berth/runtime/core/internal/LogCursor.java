package dev.berth.runtime.core.internal;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How far a follow got, so a complete read of the same log can supply exactly the lines it missed. Lines
 * of one stream carry non-decreasing timestamps, but the two streams interleave with slightly out-of-order
 * stamps (each is stamped as it is read), so the cursor keeps, per stream, the last timestamp delivered
 * and how many lines with exactly that timestamp were delivered: several lines often share one.
 *
 * <p>Not thread-safe: one follow, one reader thread.
 */
public final class LogCursor {
  private final Map<LogStream, Instant> last = new EnumMap<>(LogStream.class);
  private final Map<LogStream, Long> atLast = new EnumMap<>(LogStream.class);
  private Instant first;

  /** Records a line the follow delivered. */
  public void delivered(LogLine line) {
    if (first == null) {
      first = line.timestamp();
    }
    Instant previous = last.get(line.stream());
    if (line.timestamp().equals(previous)) {
      atLast.merge(line.stream(), 1L, Long::sum);
    } else if (previous == null || line.timestamp().isAfter(previous)) { // a clock stepping back keeps the mark
      last.put(line.stream(), line.timestamp());
      atLast.put(line.stream(), 1L);
    }
  }

  /** Whether the follow delivered any line. */
  public boolean deliveredAny() {
    return first != null;
  }

  /** The earliest timestamp a re-read must start at to see every missed line; empty before any line. */
  public Optional<Instant> resumeFrom() {
    return last.values().stream().min(Instant::compareTo);
  }

  /**
   * A filter for one pass over the complete log, in its order: true for exactly the lines the follow has not
   * delivered. A stream the follow delivered nothing of is taken from the follow's first line on (a follow
   * that began with a tail skipped what came before it). Each call returns a fresh filter.
   */
  public Predicate<LogLine> missed() {
    Map<LogStream, Long> toSkip = new EnumMap<>(atLast);
    return line -> {
      Instant lastOfStream = last.get(line.stream());
      if (lastOfStream == null) {
        return first == null || !line.timestamp().isBefore(first);
      }
      int order = line.timestamp().compareTo(lastOfStream);
      if (order > 0) {
        return true;
      }
      if (order < 0) {
        return false;
      }
      long left = toSkip.getOrDefault(line.stream(), 0L);
      if (left > 0) {
        toSkip.put(line.stream(), left - 1);
        return false;
      }
      return true;
    };
  }
}
