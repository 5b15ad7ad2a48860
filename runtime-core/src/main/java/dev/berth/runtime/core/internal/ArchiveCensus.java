package dev.berth.runtime.core.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * Counts a bundle's entries before anything is written, so a bundle with too many entries is rejected at once
 * instead of after writing (and then deleting) as many files as the limit allows. A zip's count comes from its
 * end of central directory record (zip64 included); a tar.gz is read once without writing, through the same
 * decompression limits as the extraction, and the read stops at the first entry over the limit.
 */
final class ArchiveCensus {
  /** Room for tar headers beyond the file bytes (pax and long-name records). */
  private static final long TAR_METADATA_ALLOWANCE = 16L << 20;
  private static final int END_RECORD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_END_RECORD = 0x06064b50;
  private static final int END_RECORD_SIZE = 22;
  private static final int MAX_COMMENT = 0xffff;

  private ArchiveCensus() {}

  /**
   * Decompressed bytes a tar may expand to, headers and skipped data included; also the most compressed bytes a
   * streamed bundle may have, since a smaller archive cannot hold more.
   */
  static long maxArchiveBytes(ExtractionLimits limits) {
    return limits.maxTotalBytes() + 2048L * limits.maxEntries() + TAR_METADATA_ALLOWANCE;
  }

  /**
   * The number of entries a zip's central directory lists.
   *
   * @throws dev.berth.runtime.InvalidSpecException when there are more than the limit allows
   * @throws ExtractionSink.ArchiveReadException when the file has no end of central directory record
   */
  static long zipEntries(Path archive, ExtractionLimits limits) throws IOException {
    long entries;
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
      entries = zipEntries(channel);
    }
    if (entries < 0 || entries > limits.maxEntries()) {
      throw EntryNames.rejectBundle("the zip archive lists " + Long.toUnsignedString(entries) + " entries, which "
          + "exceeds the limit of " + limits.maxEntries() + " entries (too many entries); rebuild it with fewer "
          + "files");
    }
    return entries;
  }

  /**
   * Reads the tar.gz once, writing nothing, and rejects it when it holds more entries than the limit allows.
   *
   * @throws dev.berth.runtime.InvalidSpecException when there are too many entries or the archive expands past
   *     the decompression limits
   * @throws ExtractionSink.ArchiveReadException when the archive is corrupt or truncated
   */
  static void countTarEntries(Path archive, ExtractionLimits limits) throws IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 64 * 1024)) {
      CountingInputStream raw = new CountingInputStream(file);
      DecompressionGuard guard = new DecompressionGuard(new GZIPInputStream(raw, 64 * 1024), raw::count,
          maxArchiveBytes(limits), limits.maxCompressionRatio());
      TarReader tar = new TarReader(guard);
      int entries = 0;
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        guard.entry(entry.name());
        if (++entries > limits.maxEntries()) {
          throw EntryNames.rejectBundle("the tar.gz archive has more entries than the limit of "
              + limits.maxEntries() + " (too many entries); rebuild it with fewer files");
        }
      }
    } catch (dev.berth.runtime.InvalidSpecException | ExtractionSink.ArchiveReadException e) {
      throw e;
    } catch (IOException e) {
      throw new ExtractionSink.ArchiveReadException(e);
    }
  }

  private static long zipEntries(FileChannel channel) throws IOException {
    long size = channel.size();
    int tail = (int) Math.min(size, END_RECORD_SIZE + MAX_COMMENT);
    ByteBuffer buffer = read(channel, size - tail, tail);
    for (int at = tail - END_RECORD_SIZE; at >= 0; at--) {
      if (buffer.getInt(at) != END_RECORD || at + END_RECORD_SIZE + (buffer.getShort(at + 20) & 0xffff) > tail) {
        continue;
      }
      long entries = buffer.getShort(at + 10) & 0xffff;
      boolean zip64 = entries == 0xffff || buffer.getInt(at + 12) == -1 || buffer.getInt(at + 16) == -1;
      long recordStart = size - tail + at;
      if (zip64 && recordStart >= 20) {
        ByteBuffer locator = read(channel, recordStart - 20, 20);
        if (locator.getInt(0) == ZIP64_LOCATOR) {
          long offset = locator.getLong(8);
          if (offset < 0 || offset > recordStart - 56) {
            throw corrupt("its zip64 end record is outside the file");
          }
          ByteBuffer record = read(channel, offset, 56);
          if (record.getInt(0) != ZIP64_END_RECORD) {
            throw corrupt("its zip64 end record is missing");
          }
          return record.getLong(32);
        }
      }
      return entries;
    }
    throw corrupt("it has no end of central directory record (truncated, or not a zip file)");
  }

  private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw corrupt("it ends early");
      }
    }
    return buffer;
  }

  private static ExtractionSink.ArchiveReadException corrupt(String problem) {
    return new ExtractionSink.ArchiveReadException(new IOException(problem));
  }
}
