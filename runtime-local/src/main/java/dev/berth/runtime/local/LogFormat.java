package dev.berth.runtime.local;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One line of {@code output.log}: {@code <ISO-8601 instant> <O|E> <text>\n}, e.g.
 * {@code 2026-11-23T16:30:44.070123Z O tick 42}. Readable with {@code less} and {@code grep}, parsed back into
 * {@link LogLine}s without ambiguity (the text is everything after the second space).
 */
final class LogFormat {
  private LogFormat() {}

  static String format(Instant timestamp, LogStream stream, String text) {
    return timestamp + (stream == LogStream.STDOUT ? " O " : " E ") + text + "\n";
  }

  /** The line, or empty when it is not in the format (e.g. the torn tail of a crashed write). */
  static Optional<LogLine> parse(String line) {
    int space = line.indexOf(' ');
    if (space < 0 || line.length() < space + 3 || line.charAt(space + 2) != ' ') {
      return Optional.empty();
    }
    char stream = line.charAt(space + 1);
    if (stream != 'O' && stream != 'E') {
      return Optional.empty();
    }
    try {
      Instant timestamp = Instant.parse(line.substring(0, space));
      String text = line.substring(space + 3);
      return Optional.of(new LogLine(timestamp, stream == 'O' ? LogStream.STDOUT : LogStream.STDERR, text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
