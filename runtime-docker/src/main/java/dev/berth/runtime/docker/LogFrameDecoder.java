package dev.berth.runtime.docker;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns Docker's multiplexed log frames (requested with {@code timestamps=true}) into {@link LogLine}s:
 * each line starts with an RFC 3339 timestamp with nanoseconds and a space. Frames do not respect line
 * boundaries (a frame may even end inside a timestamp), so bytes are collected per stream and a line is
 * parsed only once its newline arrived; UTF-8 is decoded then too, so a multi-byte character split across
 * frames survives. A line longer than Docker's 16 KiB message size arrives as several partial messages,
 * each with its own timestamp: those repeated timestamps are dropped when the pieces are joined.
 */
final class LogFrameDecoder {
  private static final int MAX_PREFIX = 40;

  private final Consumer<LogLine> sink;
  private final Map<LogStream, ByteArrayOutputStream> pending = new EnumMap<>(LogStream.class);

  LogFrameDecoder(Consumer<LogLine> sink) {
    this.sink = sink;
  }

  void accept(LogStream stream, byte[] payload) {
    ByteArrayOutputStream line = pending.computeIfAbsent(stream, s -> new ByteArrayOutputStream());
    int start = 0;
    if (line.size() > 0 && isTimestampPrefix(payload, 0)) {
      // A partial message continuing the line. A frame split inside a timestamp never looks like this:
      // its second half does not start with a full timestamp.
      start = prefixLength(payload, 0);
    }
    for (int i = start; i < payload.length; i++) {
      if (payload[i] == '\n') {
        line.write(payload, start, i - start);
        emit(stream, line);
        start = i + 1;
      }
    }
    if (start < payload.length) {
      line.write(payload, start, payload.length - start);
    }
  }

  /** Emits what is left of unterminated lines (the workload ended without a final newline). */
  void flush() {
    pending.forEach((stream, line) -> {
      if (line.size() > 0) {
        emit(stream, line);
      }
    });
  }

  private void emit(LogStream stream, ByteArrayOutputStream line) {
    byte[] bytes = line.toByteArray();
    line.reset();
    Instant timestamp = Instant.now();
    int skip = 0;
    if (isTimestampPrefix(bytes, 0)) {
      int length = prefixLength(bytes, 0);
      Instant parsed = parse(new String(bytes, 0, length - 1, StandardCharsets.US_ASCII));
      if (parsed != null) {
        timestamp = parsed;
        skip = length;
      }
    }
    int end = bytes.length;
    if (end > skip && bytes[end - 1] == '\r') {
      end--;
    }
    sink.accept(new LogLine(timestamp, stream, new String(bytes, skip, end - skip, StandardCharsets.UTF_8)));
  }

  /** "2024-05-01T10:15:30.123Z " at {@code offset}: four digits, a dash, a 'T' at 10, a space before 40. */
  private static boolean isTimestampPrefix(byte[] data, int offset) {
    return data.length - offset > 20 && Character.isDigit(data[offset]) && Character.isDigit(data[offset + 3])
        && data[offset + 4] == '-' && data[offset + 10] == 'T' && prefixLength(data, offset) > 0;
  }

  /** Length of the prefix including its space, or 0 when no space follows within the prefix's size. */
  private static int prefixLength(byte[] data, int offset) {
    for (int i = offset; i < Math.min(data.length, offset + MAX_PREFIX); i++) {
      if (data[i] == ' ') {
        return i - offset + 1;
      }
      if (data[i] == '\n') {
        return 0;
      }
    }
    return 0;
  }

  private static Instant parse(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
