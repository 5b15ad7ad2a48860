package dev.berth.runtime.apple;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the lines the {@link Wrapper} tagged, {@code <epoch seconds> <run><O|E><line number> <text>}, out of
 * what {@code container logs} prints, and keeps track of which lines a reader has already delivered, so a
 * follow that reads the same log twice (a gap to fill, the end of a run) delivers each line once and in
 * order. Untagged lines (an image without {@code awk}) count by position instead.
 */
final class LogTags {
  private static final Pattern TAG = Pattern.compile("([0-9]{1,12}) ([0-9]{1,9})([OE])([0-9]{1,12}) (.*)",
      Pattern.DOTALL);

  /**
   * One line of the log.
   *
   * @param line what Berth delivers
   * @param run the wrapper's run number, 0 for an untagged line
   * @param seq the line's number in its run and stream, 0 for an untagged line
   */
  record Tagged(LogLine line, long run, long seq) {
    boolean tagged() {
      return run > 0;
    }

    String key() {
      return run + "" + (line.stream() == LogStream.STDOUT ? 'O' : 'E');
    }
  }

  private LogTags() {}

  /** Whether {@code raw} carries a tag; a line that does not, among tagged ones, is a fragment the CLI split off. */
  static boolean isTagged(String raw) {
    return TAG.matcher(raw).matches();
  }

  /** Parses one raw line; an untagged one is stdout at {@code fallback}. */
  static Tagged parse(String raw, Instant fallback) {
    String text = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
    Matcher m = TAG.matcher(text);
    if (!m.matches()) {
      return new Tagged(LogLine.stdout(fallback, text), 0, 0);
    }
    Instant at = Instant.ofEpochSecond(Long.parseLong(m.group(1)));
    LogLine line = m.group(3).equals("O") ? LogLine.stdout(at, m.group(5)) : LogLine.stderr(at, m.group(5));
    return new Tagged(line, Long.parseLong(m.group(2)), Long.parseLong(m.group(4)));
  }

  /** The lines of a non-following {@code container logs}, in order; blank lines are the CLI's, not the log's. */
  static List<Tagged> parseAll(String output, Instant fallback) {
    List<Tagged> lines = new ArrayList<>();
    int start = 0;
    while (start < output.length()) {
      int end = output.indexOf('\n', start);
      String raw = output.substring(start, end < 0 ? output.length() : end);
      start = end < 0 ? output.length() : end + 1;
      if (!raw.isEmpty() && !raw.equals("\r")) {
        lines.add(parse(raw, fallback));
      }
    }
    return lines;
  }

  /** What a reader has delivered: the highest line number per run and stream, and how many untagged lines. */
  static final class Cursor {
    /** What {@link #offer} says about a line. */
    enum Verdict { NEW, SEEN, GAP }

    private final Map<String, Long> highest = new HashMap<>();
    private long untagged;

    /** Records {@code line} if it is the next of its stream; GAP when lines before it were never seen. */
    Verdict offer(Tagged line) {
      if (!line.tagged()) {
        untagged++;
        return Verdict.NEW;
      }
      long seen = highest.getOrDefault(line.key(), 0L);
      if (line.seq() <= seen) {
        return Verdict.SEEN;
      }
      if (line.seq() > seen + 1) {
        return Verdict.GAP;
      }
      highest.put(line.key(), line.seq());
      return Verdict.NEW;
    }

    /** The lines of a complete read not yet delivered, in order, recorded as delivered. */
    List<Tagged> fresh(List<Tagged> all) {
      List<Tagged> fresh = new ArrayList<>();
      long position = 0;
      for (Tagged line : all) {
        if (!line.tagged()) {
          if (++position > untagged) {
            untagged = position;
            fresh.add(line);
          }
        } else if (line.seq() > highest.getOrDefault(line.key(), 0L)) {
          highest.put(line.key(), line.seq());
          fresh.add(line);
        }
      }
      return fresh;
    }

    /** Takes {@code line} as delivered even though lines before it are missing. */
    void skipTo(Tagged line) {
      highest.put(line.key(), line.seq());
    }

    /** The highest line number delivered for a run and stream. */
    long highest(long run, LogStream stream) {
      return highest.getOrDefault(run + "" + (stream == LogStream.STDOUT ? 'O' : 'E'), 0L);
    }

    /** Lines of {@code line}'s stream between the last delivered one and it. */
    long missingBefore(Tagged line) {
      return line.seq() - 1 - highest.getOrDefault(line.key(), 0L);
    }
  }
}
