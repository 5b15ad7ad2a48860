package dev.berth.runtime.core.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files byte by byte, so a test can build what {@code ZipOutputStream} refuses to: duplicate names,
 * names that are not UTF-8, Unix file types and setuid bits in the external attributes, central directories that
 * lie about the entry count or point several entries at one local header, and zip64 end records. Output is
 * deterministic (every timestamp is 1980-01-01 00:00).
 */
final class RawZip {
  private static final int DOS_DATE_1980 = 0x21;

  private final ByteArrayOutputStream local = new ByteArrayOutputStream();
  private final ByteArrayOutputStream central = new ByteArrayOutputStream();
  private long entries;
  private long claimedEntries = -1;
  private boolean zip64;

  /** A stored (uncompressed) regular file. */
  RawZip stored(String name, byte[] data) {
    return entry(utf8(name), data, false, 0100644, 0);
  }

  /** A deflated regular file. */
  RawZip deflated(String name, byte[] data) {
    return entry(utf8(name), data, true, 0100644, 0);
  }

  /** A deflated regular file holding UTF-8 text. */
  RawZip file(String name, String text) {
    return deflated(name, utf8(text));
  }

  RawZip dir(String name) {
    return entry(utf8(name.endsWith("/") ? name : name + "/"), new byte[0], false, 040755, 0);
  }

  /**
   * One entry in both the local stream and the central directory.
   *
   * @param unixMode file type and permission bits stored in the external attributes (e.g. {@code 0120777} for a
   *     symbolic link, {@code 0104755} for a setuid executable)
   * @param flags the general purpose bit flags (bit 0 claims encryption, bit 11 UTF-8 names)
   */
  RawZip entry(byte[] name, byte[] data, boolean deflate, int unixMode, int flags) {
    return entry(name, data, deflate ? 8 : 0, unixMode, flags);
  }

  /** As {@link #entry(byte[], byte[], boolean, int, int)} with any compression method number. */
  RawZip entry(byte[] name, byte[] data, int method, int unixMode, int flags) {
    CRC32 crc = new CRC32();
    crc.update(data);
    byte[] body = method == 8 ? deflate(data) : data;
    long offset = local.size();
    int16(local, 0x4b50);
    int16(local, 0x0403);
    int16(local, 20);
    int16(local, flags);
    int16(local, method);
    int16(local, 0);
    int16(local, DOS_DATE_1980);
    int32(local, crc.getValue());
    int32(local, body.length);
    int32(local, data.length);
    int16(local, name.length);
    int16(local, 0);
    local.writeBytes(name);
    local.writeBytes(body);
    return centralEntry(name, method, flags, crc.getValue(), body.length, data.length, unixMode, offset);
  }

  /** A central directory entry for the local header at {@code offset}, which other entries may share. */
  RawZip centralEntry(byte[] name, int method, int flags, long crc, long compressed, long size, int unixMode,
      long offset) {
    int32(central, 0x02014b50);
    int16(central, (3 << 8) | 20);
    int16(central, 20);
    int16(central, flags);
    int16(central, method);
    int16(central, 0);
    int16(central, DOS_DATE_1980);
    int32(central, crc);
    int32(central, compressed);
    int32(central, size);
    int16(central, name.length);
    int16(central, 0);
    int16(central, 0);
    int16(central, 0);
    int16(central, 0);
    int32(central, ((long) unixMode & 0xffff) << 16);
    int32(central, offset);
    central.writeBytes(name);
    entries++;
    return this;
  }

  /** Makes the end records claim {@code count} entries, whatever the archive holds. */
  RawZip claimEntries(long count) {
    this.claimedEntries = count;
    return this;
  }

  /** Writes zip64 end records even when the counts would fit the classic record. */
  RawZip zip64() {
    this.zip64 = true;
    return this;
  }

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(local.toByteArray());
    long centralOffset = out.size();
    out.writeBytes(central.toByteArray());
    long count = claimedEntries >= 0 ? claimedEntries : entries;
    boolean large = zip64 || count > 0xfffe;
    if (large) {
      long record = out.size();
      int32(out, 0x06064b50);
      int64(out, 44);
      int16(out, 45);
      int16(out, 45);
      int32(out, 0);
      int32(out, 0);
      int64(out, count);
      int64(out, count);
      int64(out, central.size());
      int64(out, centralOffset);
      int32(out, 0x07064b50);
      int32(out, 0);
      int64(out, record);
      int32(out, 1);
    }
    int32(out, 0x06054b50);
    int16(out, 0);
    int16(out, 0);
    int16(out, large ? 0xffff : (int) count);
    int16(out, large ? 0xffff : (int) count);
    int32(out, large ? 0xffffffffL : central.size());
    int32(out, large ? 0xffffffffL : centralOffset);
    int16(out, 0);
    return out.toByteArray();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  private static void int16(ByteArrayOutputStream out, int value) {
    out.write(value & 0xff);
    out.write((value >>> 8) & 0xff);
  }

  private static void int32(ByteArrayOutputStream out, long value) {
    int16(out, (int) (value & 0xffff));
    int16(out, (int) ((value >>> 16) & 0xffff));
  }

  private static void int64(ByteArrayOutputStream out, long value) {
    int32(out, value & 0xffffffffL);
    int32(out, value >>> 32);
  }
}
