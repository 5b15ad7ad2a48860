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
 * each line starts with an RFC 3339 timestamp with nanoseconds and a space. A line Docker split into
 * several partial messages is joined again; bytes are decoded as UTF-8 only once a line is complete, so a
 * multi-byte character split across frames survives.
 */
final class LogFrameDecoder {
  private final Consumer<LogLine> sink;
  private final Map<LogStream, Pending> pending = new EnumMap<>(LogStream.class);

  LogFrameDecoder(Consumer<LogLine> sink) {
    this.sink = sink;
  }

  void accept(LogStream stream, byte[] payload) {
    Pending line = pending.computeIfAbsent(stream, s -> new Pending());
    int start = 0;
    for (int i = 0; i < payload.length; i++) {
      if (payload[i] == '\n') {
        line.append(payload, start, i - start);
        emit(stream, line);
        start = i + 1;
      }
    }
    if (start < payload.length) {
      line.append(payload, start, payload.length - start);
    }
  }

  /** Emits what is left of unterminated lines (the workload ended without a final newline). */
  void flush() {
    pending.forEach((stream, line) -> {
      if (line.started) {
        emit(stream, line);
      }
    });
  }

  private void emit(LogStream stream, Pending line) {
    String text = line.bytes.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    sink.accept(new LogLine(line.timestamp == null ? Instant.now() : line.timestamp, stream, text));
    line.reset();
  }

  /** A line being assembled; each partial message repeats the timestamp prefix, which is dropped. */
  private static final class Pending {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Instant timestamp;
    boolean started;

    void append(byte[] data, int offset, int length) {
      int skip = 0;
      if (!started || atPrefix(data, offset, length)) {
        int space = indexOf(data, offset, length, (byte) ' ');
        if (space >= 0) {
          Instant parsed = parse(new String(data, offset, space - offset, StandardCharsets.US_ASCII));
          if (parsed != null) {
            timestamp = timestamp == null ? parsed : timestamp;
            skip = space - offset + 1;
          }
        }
      }
      bytes.write(data, offset + skip, length - skip);
      started = true;
    }

    void reset() {
      bytes.reset();
      timestamp = null;
      started = false;
    }

    private static boolean atPrefix(byte[] data, int offset, int length) {
      // "2024-05-01T..." : four digits and a dash; continuation text rarely looks like that
      return length > 20 && data[offset + 4] == '-' && data[offset + 10] == 'T'
          && Character.isDigit(data[offset]) && Character.isDigit(data[offset + 3]);
    }

    private static int indexOf(byte[] data, int offset, int length, byte wanted) {
      for (int i = offset; i < offset + Math.min(length, 40); i++) {
        if (data[i] == wanted) {
          return i;
        }
      }
      return -1;
    }

    private static Instant parse(String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }
}
