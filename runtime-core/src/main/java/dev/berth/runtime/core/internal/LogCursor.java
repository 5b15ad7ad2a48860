package dev.berth.runtime.core.internal;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Duration;
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
 * <p>A follow's cursor ({@link #LogCursor()}) started wherever the follow started; a cursor {@link #fromStart}
 * stands for a reader that wanted the whole log (the log shipper), so a stream it has delivered nothing of is
 * missed in full. {@link #marks} and {@link #fromStart(Map)} carry a cursor across processes.
 *
 * <p>Not thread-safe: one follow, one reader thread.
 */
public final class LogCursor {
  private final Map<LogStream, Instant> last = new EnumMap<>(LogStream.class);
  private final Map<LogStream, Long> atLast = new EnumMap<>(LogStream.class);
  private final boolean wholeLog;
  private Instant first;

  /**
   * Where one stream stands: the newest timestamp delivered and how many lines with exactly it were delivered.
   *
   * @param timestamp the newest timestamp of the stream delivered
   * @param lines how many lines of the stream carried exactly {@code timestamp}, at least 1
   */
  public record Mark(Instant timestamp, long lines) {
    /** Checks the mark. */
    public Mark {
      java.util.Objects.requireNonNull(timestamp, "timestamp");
      if (lines < 1) {
        throw new IllegalArgumentException("A mark counts at least one line at its timestamp, not " + lines);
      }
    }
  }

  /** A follow's cursor: nothing delivered yet, and the follow may have begun anywhere in the log. */
  public LogCursor() {
    this.wholeLog = false;
  }

  private LogCursor(boolean wholeLog, Map<LogStream, Mark> marks) {
    this.wholeLog = wholeLog;
    marks.forEach((stream, mark) -> {
      last.put(stream, mark.timestamp());
      atLast.put(stream, mark.lines());
    });
  }

  /** The cursor of a reader that wants the whole log and has delivered nothing yet. */
  public static LogCursor fromStart() {
    return new LogCursor(true, Map.of());
  }

  /** The cursor of a reader that wants the whole log and has delivered up to {@code marks}. */
  public static LogCursor fromStart(Map<LogStream, Mark> marks) {
    return new LogCursor(true, marks);
  }

  /** An independent cursor at the same position; delivering to either leaves the other unchanged. */
  public LogCursor copy() {
    LogCursor copy = new LogCursor(wholeLog, marks());
    copy.first = first;
    return copy;
  }

  /** Where each stream that delivered a line stands. */
  public Map<LogStream, Mark> marks() {
    Map<LogStream, Mark> marks = new EnumMap<>(LogStream.class);
    last.forEach((stream, timestamp) -> marks.put(stream, new Mark(timestamp, atLast.get(stream))));
    return marks;
  }

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
    return !last.isEmpty();
  }

  /** The earliest timestamp a re-read must start at to see every missed line; empty before any line. */
  public Optional<Instant> resumeFrom() {
    return last.values().stream().min(Instant::compareTo);
  }

  /**
   * Like {@link #resumeFrom()}, but never more than {@code lookBack} before the newest line delivered: a
   * stream that has been silent for long does not drag every re-read back to its last line. A line of it
   * stamped earlier than that which has not arrived yet is then not asked for.
   */
  public Optional<Instant> resumeFrom(Duration lookBack) {
    Optional<Instant> newest = last.values().stream().max(Instant::compareTo);
    return resumeFrom().map(oldest -> {
      Instant floor = newest.orElseThrow().minus(lookBack);
      return oldest.isBefore(floor) ? floor : oldest;
    });
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
        return wholeLog || first == null || !line.timestamp().isBefore(first);
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
