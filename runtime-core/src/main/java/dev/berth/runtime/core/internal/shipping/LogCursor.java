package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How far a bot's log has been shipped. Timestamps alone cannot say it, because several lines share one
 * timestamp: the cursor also counts the lines at exactly {@code timestamp} that were shipped, and the next
 * read asks for lines since {@code timestamp} and skips that many of them.
 *
 * @param timestamp the newest timestamp shipped; empty before the first line
 * @param linesAtTimestamp how many lines with exactly {@code timestamp} were shipped
 * @param nextChunk the sequence number of the next chunk object
 */
record LogCursor(Optional<Instant> timestamp, long linesAtTimestamp, long nextChunk) {
  /** Nothing shipped yet. */
  public static final LogCursor START = new LogCursor(Optional.empty(), 0, 0);

  public LogCursor {
    if (linesAtTimestamp < 0 || nextChunk < 0 || (timestamp.isEmpty() && linesAtTimestamp != 0)) {
      throw new RuntimeOperationException("Inconsistent log cursor: " + timestamp + ", " + linesAtTimestamp
          + " lines, next chunk " + nextChunk);
    }
  }

  /** The cursor once {@code line}, which comes after this position, has been shipped. */
  public LogCursor after(LogLine line) {
    Instant at = line.timestamp();
    if (timestamp.isEmpty() || at.isAfter(timestamp.get())) {
      return new LogCursor(Optional.of(at), 1, nextChunk);
    }
    if (at.equals(timestamp.get())) {
      return new LogCursor(timestamp, linesAtTimestamp + 1, nextChunk);
    }
    return this; // a line older than the cursor (streams merged out of order) never moves it back
  }

  /** The same position, with the next chunk numbered {@code sequence}. */
  public LogCursor withNextChunk(long sequence) {
    return new LogCursor(timestamp, linesAtTimestamp, sequence);
  }

  /** What to ask the runtime for: every line at or after the timestamp, both streams, no follow. */
  public LogOptions logOptions() {
    return timestamp.map(since -> LogOptions.builder().since(since).build()).orElse(LogOptions.DEFAULT);
  }

  /** The object's text: {@code key=value} lines. */
  public byte[] encode() {
    return ("timestamp=" + timestamp.map(Instant::toString).orElse("") + "\n"
        + "lines-at-timestamp=" + linesAtTimestamp + "\n"
        + "next-chunk=" + nextChunk + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads an object written by {@link #encode}.
   *
   * @param where the object's location, for the error message
   * @throws RuntimeOperationException naming the object when it is not a cursor
   */
  public static LogCursor decode(byte[] data, String where) {
    Map<String, String> values = new HashMap<>();
    for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
      }
    }
    try {
      String timestamp = values.get("timestamp");
      String lines = values.get("lines-at-timestamp");
      String next = values.get("next-chunk");
      if (timestamp == null || lines == null || next == null) {
        throw new IllegalArgumentException("timestamp, lines-at-timestamp or next-chunk is missing");
      }
      return new LogCursor(timestamp.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(timestamp)),
          Long.parseLong(lines), Long.parseLong(next));
    } catch (IllegalArgumentException | DateTimeParseException | RuntimeOperationException e) {
      throw new RuntimeOperationException("The log cursor " + where + " is unreadable (" + e.getMessage()
          + "). Delete it to ship the bot's log again from its start (lines shipped before are then stored "
          + "twice), or write it back with the position the newest chunk ends at.", e);
    }
  }
}
