package dev.berth.runtime.core.internal.shipping;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The lines of one chunk on their way to the store, capped at {@code capacity} bytes: the only place the
 * shipper holds log text. A single line longer than the capacity still makes a chunk of its own.
 */
final class ChunkBuffer {
  private static final int INITIAL = 8 * 1024;

  private final int capacity;
  private byte[] bytes;
  private int size;
  private int lines;
  private LocalDate day;

  ChunkBuffer(int capacity) {
    this.capacity = capacity;
    this.bytes = new byte[Math.min(INITIAL, capacity)];
  }

  boolean isEmpty() {
    return lines == 0;
  }

  /** Whether a line of {@code length} bytes of {@code lineDay} belongs in this chunk. */
  boolean accepts(int length, LocalDate lineDay) {
    return isEmpty() || (size + length <= capacity && lineDay.equals(day));
  }

  void add(byte[] line, LocalDate lineDay) {
    if (size + line.length > bytes.length) {
      int grown = (int) Math.min(Math.max((long) bytes.length * 2, (long) size + line.length),
          Math.max(capacity, size + line.length));
      bytes = Arrays.copyOf(bytes, grown);
    }
    System.arraycopy(line, 0, bytes, size, line.length);
    size += line.length;
    if (lines++ == 0) {
      day = lineDay;
    }
  }

  LocalDate day() {
    return day;
  }

  int size() {
    return size;
  }

  int lines() {
    return lines;
  }

  InputStream content() {
    return new ByteArrayInputStream(bytes, 0, size);
  }

  /** Empties the chunk; a buffer grown beyond the usual size for one long line is released. */
  void clear() {
    size = 0;
    lines = 0;
    day = null;
    if (bytes.length > capacity) {
      bytes = new byte[Math.min(INITIAL, capacity)];
    }
  }
}
