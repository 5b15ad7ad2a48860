package dev.berth.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * One line a workload wrote, without its line terminator. A follow may also deliver a gap marker in place of
 * lines that were lost before it read them: a STDERR line {@code [berth: <n> lines of log dropped by rotation]}
 * (see {@link LogOptions}).
 *
 * @param timestamp when the runtime received it
 * @param stream stdout or stderr
 * @param text the line's text
 */
public record LogLine(Instant timestamp, LogStream stream, String text) {
  public LogLine {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(text, "text");
  }

  public static LogLine stdout(Instant timestamp, String text) {
    return new LogLine(timestamp, LogStream.STDOUT, text);
  }

  public static LogLine stderr(Instant timestamp, String text) {
    return new LogLine(timestamp, LogStream.STDERR, text);
  }

  @Override
  public String toString() {
    return timestamp + " " + stream + " " + text;
  }
}
