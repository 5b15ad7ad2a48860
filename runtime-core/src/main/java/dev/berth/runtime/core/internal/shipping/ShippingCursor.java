package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.LogCursor;
import dev.berth.runtime.core.internal.LogCursor.Mark;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How far a bot's log has been shipped, as stored in its cursor object: the {@link LogCursor} position of
 * each stream (the two streams of a bot are stamped separately, so a line of one can arrive after a newer line
 * of the other) and the sequence of the next chunk. Immutable: the position is copied in and out.
 */
final class ShippingCursor {
  /**
   * How far before the newest shipped line a read starts at the earliest: a line of one stream stamped up to
   * this much before the other stream's newest shipped line is still shipped when it arrives late.
   */
  static final Duration LOOK_BACK = Duration.ofSeconds(2);

  private static final String NEXT_CHUNK = "next-chunk";

  private final LogCursor position;
  private final long nextChunk;

  private ShippingCursor(LogCursor position, long nextChunk) {
    if (nextChunk < 0) {
      throw new IllegalArgumentException("next-chunk must not be negative, not " + nextChunk);
    }
    this.position = position;
    this.nextChunk = nextChunk;
  }

  /** Nothing shipped yet. */
  static ShippingCursor start() {
    return new ShippingCursor(LogCursor.fromStart(), 0);
  }

  /** The sequence number of the next chunk object. */
  long nextChunk() {
    return nextChunk;
  }

  /** A cursor to advance line by line while reading; this one stays as it is. */
  LogCursor position() {
    return position.copy();
  }

  /** True for exactly the lines of a read from {@link #logOptions} that were not shipped yet, in its order. */
  Predicate<LogLine> notShipped() {
    return position.missed();
  }

  /** The cursor once the lines up to {@code reached} are shipped and the next chunk is {@code sequence}. */
  ShippingCursor advancedTo(LogCursor reached, long sequence) {
    return new ShippingCursor(reached.copy(), sequence);
  }

  /** What to ask the runtime for: both streams from where shipping may have missed a line, no follow. */
  LogOptions logOptions() {
    return position.resumeFrom(LOOK_BACK).map(since -> LogOptions.builder().since(since).build())
        .orElse(LogOptions.DEFAULT);
  }

  /** The object's text: a {@code <stream>=<timestamp> <lines at it>} line per stream, and the next chunk. */
  byte[] encode() {
    StringBuilder text = new StringBuilder();
    position.marks().forEach((stream, mark) -> text.append(key(stream)).append('=').append(mark.timestamp())
        .append(' ').append(mark.lines()).append('\n'));
    text.append(NEXT_CHUNK).append('=').append(nextChunk).append('\n');
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads an object written by {@link #encode}.
   *
   * @param where the object's location, for the error message
   * @throws RuntimeOperationException naming the object when it is not a cursor
   */
  static ShippingCursor decode(byte[] data, String where) {
    Map<String, String> values = new HashMap<>();
    for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
      }
    }
    try {
      String next = values.get(NEXT_CHUNK);
      if (next == null) {
        throw new IllegalArgumentException(NEXT_CHUNK + " is missing");
      }
      Map<LogStream, Mark> marks = new EnumMap<>(LogStream.class);
      for (LogStream stream : LogStream.values()) {
        String mark = values.get(key(stream));
        if (mark != null) {
          String[] parts = mark.split(" ");
          if (parts.length != 2) {
            throw new IllegalArgumentException(key(stream) + " is not '<timestamp> <lines>'");
          }
          marks.put(stream, new Mark(Instant.parse(parts[0]), Long.parseLong(parts[1])));
        }
      }
      return new ShippingCursor(LogCursor.fromStart(marks), Long.parseLong(next));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new RuntimeOperationException("The log cursor " + where + " is unreadable (" + e.getMessage()
          + "). Delete it to ship the bot's log again from its start (lines shipped before are then stored "
          + "twice), or write it back with the position the newest chunk ends at.", e);
    }
  }

  private static String key(LogStream stream) {
    return stream.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ShippingCursor that && nextChunk == that.nextChunk
        && position.marks().equals(that.position.marks());
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nextChunk) * 31 + position.marks().hashCode();
  }

  @Override
  public String toString() {
    return "ShippingCursor" + position.marks() + ", next chunk " + nextChunk;
  }
}
