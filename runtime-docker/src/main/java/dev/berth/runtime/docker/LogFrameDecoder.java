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
  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

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
    Instant timestamp = null;
    int skip = 0;
    if (isTimestampPrefix(bytes, 0)) {
      int length = prefixLength(bytes, 0);
      timestamp = parse(bytes, length - 1);
      if (timestamp != null) {
        skip = length;
      }
    }
    if (timestamp == null) {
      timestamp = Instant.now();
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

  /**
   * The instant of the timestamp in {@code bytes[0, length)}. Docker writes UTC in one layout,
   * {@code 2026-12-02T13:10:42.123456789Z} (RFC 3339 with up to nine fraction digits), which is read here
   * digit by digit: {@link Instant#parse} builds a formatter on every call and was most of the cost of
   * decoding a line. Anything else (an offset, a leap second) goes to {@link Instant#parse}; null when that
   * fails too.
   */
  static Instant parse(byte[] bytes, int length) {
    if (length >= 20 && bytes[length - 1] == 'Z' && bytes[4] == '-' && bytes[7] == '-' && bytes[10] == 'T'
        && bytes[13] == ':' && bytes[16] == ':') {
      int year = digits(bytes, 0, 4);
      int month = digits(bytes, 5, 2);
      int day = digits(bytes, 8, 2);
      int hour = digits(bytes, 11, 2);
      int minute = digits(bytes, 14, 2);
      int second = digits(bytes, 17, 2);
      int nanos = 0;
      boolean fits = year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour <= 23 && minute >= 0
          && minute <= 59 && second >= 0 && second <= 59;
      if (length > 20) { // a fraction: '.' and one to nine digits before the 'Z'
        int count = length - 21;
        fits &= bytes[19] == '.' && count >= 1 && count <= 9;
        int fraction = fits ? digits(bytes, 20, count) : -1;
        fits &= fraction >= 0;
        nanos = fits ? fraction * POWERS[9 - count] : 0;
      }
      if (fits && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second, nanos);
      }
    }
    try {
      return Instant.parse(new String(bytes, 0, length, StandardCharsets.US_ASCII));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The decimal number of {@code count} ASCII digits at {@code offset}; -1 when one is not a digit. */
  private static int digits(byte[] bytes, int offset, int count) {
    int value = 0;
    for (int i = offset; i < offset + count; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }
}
