package dev.berth.runtime.core.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal streaming tar reader: ustar (with the name prefix), GNU long names and link names ({@code L},
 * {@code K}) and pax extended headers ({@code x}: path, linkpath, size; global {@code g} headers are skipped).
 * Sizes are only used to frame entries; callers count the bytes they actually read.
 */
final class TarReader {
  private static final int BLOCK = 512;
  private static final int MAX_META_BYTES = 1 << 20;

  /** What an entry is. */
  enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, DEVICE, FIFO, UNSUPPORTED }

  /** One archive member. */
  record Entry(String name, Type type, char typeFlag, long size, String linkName, int mode) {}

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long remaining;
  private long padding;

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or {@code null} at the end of the archive. */
  Entry next() throws IOException {
    skipFully(remaining + padding);
    remaining = 0;
    padding = 0;
    String longName = null;
    String longLink = null;
    Map<String, String> pax = Map.of();
    while (true) {
      if (!readBlock()) {
        return null;
      }
      if (isZero(header)) {
        return null;
      }
      verifyChecksum();
      char flag = (char) (header[156] & 0xff);
      long size = number(124, 12, "size");
      switch (flag) {
        case 'L':
          longName = cString(readMeta(size));
          continue;
        case 'K':
          longLink = cString(readMeta(size));
          continue;
        case 'x':
          pax = parsePax(readMeta(size));
          continue;
        case 'g':
          readMeta(size);
          continue;
        default:
          break;
      }
      String name = pax.getOrDefault("path", longName != null ? longName : headerName());
      String link = pax.getOrDefault("linkpath", longLink != null ? longLink : text(157, 100));
      if (pax.containsKey("size")) {
        size = paxSize(pax.get("size"));
      }
      int mode = (int) number(100, 8, "mode");
      Type type = type(flag, name);
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      return new Entry(name, type, flag, size, link, mode);
    }
  }

  /** The current entry's data; ends after its size. Not to be closed by callers. */
  InputStream data() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
          throw new EOFException("the archive ends in the middle of an entry (truncated)");
        }
        remaining -= n;
        return n;
      }
    };
  }

  private static Type type(char flag, String name) {
    switch (flag) {
      case '0': case '7':
        return Type.FILE;
      case '\0':
        return name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
      case '5':
        return Type.DIRECTORY;
      case '1':
        return Type.HARDLINK;
      case '2':
        return Type.SYMLINK;
      case '3': case '4':
        return Type.DEVICE;
      case '6':
        return Type.FIFO;
      default:
        return Type.UNSUPPORTED;
    }
  }

  private String headerName() {
    String name = text(0, 100);
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
        && header[261] == 'r' && header[262] == 0;
    String prefix = ustar ? text(345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private boolean readBlock() throws IOException {
    int read = in.readNBytes(header, 0, BLOCK);
    if (read == 0) {
      return false;
    }
    if (read < BLOCK) {
      throw new EOFException("the archive ends in the middle of a header (truncated)");
    }
    return true;
  }

  private byte[] readMeta(long size) throws IOException {
    if (size > MAX_META_BYTES) {
      throw new TarFormatException("an extended header of " + size + " bytes is larger than "
          + MAX_META_BYTES);
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new EOFException("the archive ends in the middle of an extended header (truncated)");
    }
    skipFully((BLOCK - size % BLOCK) % BLOCK);
    return data;
  }

  private void skipFully(long count) throws IOException {
    long left = count;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the archive ends in the middle of an entry (truncated)");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private void verifyChecksum() throws IOException {
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i >= 148 && i < 156 ? (byte) ' ' : header[i];
      unsigned += b & 0xff;
      signed += b;
    }
    if (stored != unsigned && stored != signed) {
      throw new TarFormatException("a header checksum does not match (not a tar archive, or corrupt)");
    }
  }

  /** An octal field, or GNU base-256 when the high bit of the first byte is set. */
  private long number(int offset, int length, String field) throws TarFormatException {
    if ((header[offset] & 0x80) != 0) {
      if ((header[offset] & 0x40) != 0 || length > 12) {
        throw new TarFormatException("the " + field + " field is negative or too large");
      }
      long value = header[offset] & 0x3f;
      for (int i = 1; i < length; i++) {
        if (value > (Long.MAX_VALUE >> 8)) {
          throw new TarFormatException("the " + field + " field is too large");
        }
        value = (value << 8) | (header[offset + i] & 0xff);
      }
      return value;
    }
    long value = 0;
    boolean digits = false;
    for (int i = offset; i < offset + length; i++) {
      byte b = header[i];
      if (b == 0 || (b == ' ' && digits)) {
        break;
      }
      if (b == ' ') {
        continue;
      }
      if (b < '0' || b > '7' || value > (Long.MAX_VALUE >> 3)) {
        throw new TarFormatException("the " + field + " field is not an octal number");
      }
      value = value * 8 + (b - '0');
      digits = true;
    }
    return value;
  }

  private String text(int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  private static long paxSize(String value) throws TarFormatException {
    try {
      long size = Long.parseLong(value.trim());
      if (size < 0) {
        throw new NumberFormatException();
      }
      return size;
    } catch (NumberFormatException e) {
      throw new TarFormatException("a pax size '" + EntryNames.printable(value) + "' is not a byte count");
    }
  }

  /** Records of the form {@code "<length> <key>=<value>\n"}, the length counting the whole record. */
  private static Map<String, String> parsePax(byte[] data) throws TarFormatException {
    Map<String, String> values = new HashMap<>();
    int pos = 0;
    while (pos < data.length && data[pos] != 0) {
      int space = pos;
      int length = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < MAX_META_BYTES) {
        length = length * 10 + (data[space] - '0');
        space++;
      }
      if (space >= data.length || data[space] != ' ' || length <= space - pos || pos + length > data.length
          || data[pos + length - 1] != '\n') {
        throw new TarFormatException("a pax extended header is malformed");
      }
      String record = new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      if (equals <= 0) {
        throw new TarFormatException("a pax extended header record has no key");
      }
      values.put(record.substring(0, equals), record.substring(equals + 1));
      pos += length;
    }
    return values;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The bytes are not a tar archive this reader understands. */
  static final class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    TarFormatException(String message) {
      super(message);
    }
  }
}
