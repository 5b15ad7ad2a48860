package dev.berth.runtime.core.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * Counts every decompressed byte of a stream, including headers and data that is skipped rather than
 * written, and stops the stream once it passes a byte cap or the compression ratio limit. This bounds the
 * work a hostile archive can cause even when nothing of it reaches the disk.
 */
final class DecompressionGuard extends FilterInputStream {
  private final LongSupplier compressedBytes;
  private final long maxBytes;
  private final double maxRatio;
  private final byte[] scratch = new byte[8192];
  private long count;
  private String entry;

  DecompressionGuard(InputStream decompressed, LongSupplier compressedBytes, long maxBytes, double maxRatio) {
    super(decompressed);
    this.compressedBytes = compressedBytes;
    this.maxBytes = maxBytes;
    this.maxRatio = maxRatio;
  }

  /** Names the entry being read, for error messages. */
  void entry(String name) {
    this.entry = name;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  /** Skips by reading, so skipped bytes are decompressed under the same limits. */
  @Override
  public long skip(long n) throws IOException {
    int read = read(scratch, 0, (int) Math.min(n, scratch.length));
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void counted(int n) {
    count += n;
    if (count > maxBytes) {
      throw entry == null
          ? EntryNames.rejectBundle("the archive expands to more than " + maxBytes + " bytes (too many bytes); "
              + "make the bundle smaller")
          : EntryNames.reject(entry, "takes the archive past " + maxBytes + " decompressed bytes (too many bytes)");
    }
    if (count > ExtractionLimits.RATIO_GRACE_BYTES && count > maxRatio * Math.max(1, compressedBytes.getAsLong())) {
      String ratio = maxRatio + " times its compressed size (compression ratio limit; a zip bomb?)";
      throw entry == null ? EntryNames.rejectBundle("the archive expands to more than " + ratio + "; rebuild it")
          : EntryNames.reject(entry, "takes the archive past " + ratio);
    }
  }
}
