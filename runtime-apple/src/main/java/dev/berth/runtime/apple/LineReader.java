package dev.berth.runtime.apple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code \n}-terminated lines from a child's stdout and tells whether more bytes are ready without
 * blocking. Only {@code \n} ends a line: a {@code \r} inside a workload's line is part of it.
 */
final class LineReader {
  private final InputStream in;
  private final byte[] buffer = new byte[16 * 1024];
  private int position;
  private int limit;

  LineReader(InputStream in) {
    this.in = in;
  }

  /** The next line without its {@code \n}; the unterminated rest at the end of the stream; null at the end. */
  String readLine() throws IOException {
    ByteArrayOutputStream line = null;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return line == null || line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
      }
      for (int i = position; i < limit; i++) {
        if (buffer[i] == '\n') {
          String text;
          if (line == null) {
            text = new String(buffer, position, i - position, StandardCharsets.UTF_8);
          } else {
            line.write(buffer, position, i - position);
            text = line.toString(StandardCharsets.UTF_8);
          }
          position = i + 1;
          return text;
        }
      }
      if (line == null) {
        line = new ByteArrayOutputStream();
      }
      line.write(buffer, position, limit - position);
      position = limit;
    }
  }

  /** Whether a read would find bytes at once. */
  boolean ready() {
    try {
      return position < limit || in.available() > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
