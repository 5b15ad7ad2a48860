package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * Caps applied while a code bundle is extracted or copied, so a hostile or broken bundle cannot fill the
 * disk or exhaust inodes. Bytes are counted as they are actually written, never taken from an archive's
 * headers.
 *
 * <p>{@link #DEFAULTS}: 512 MiB in all, 10,000 entries, compression ratio 100. The ratio is checked only
 * once more than {@value #RATIO_GRACE_BYTES} bytes have been decompressed (for one zip entry or the whole
 * archive), because tiny files of repeated bytes legitimately compress far better than 100:1.
 *
 * <pre>{@code
 * new SafeExtractor(new ExtractionLimits(64L << 20, 2_000, 50));
 * }</pre>
 *
 * @param maxTotalBytes decompressed bytes written in all, summed over every file
 * @param maxEntries entries (files, directories, links) in the bundle
 * @param maxCompressionRatio decompressed bytes per compressed byte, per zip entry and for the whole archive
 */
public record ExtractionLimits(long maxTotalBytes, int maxEntries, double maxCompressionRatio) {
  /** Decompressed bytes below which the compression ratio is not checked (1 MiB). */
  public static final long RATIO_GRACE_BYTES = 1L << 20;

  /** 512 MiB, 10,000 entries, ratio 100. */
  public static final ExtractionLimits DEFAULTS = new ExtractionLimits(512L << 20, 10_000, 100.0);

  public ExtractionLimits {
    List<String> problems = new ArrayList<>();
    if (maxTotalBytes <= 0) {
      problems.add("maxTotalBytes: " + maxTotalBytes + " is not positive; give a byte count such as 536870912");
    }
    if (maxEntries <= 0) {
      problems.add("maxEntries: " + maxEntries + " is not positive; give a count such as 10000");
    }
    if (!(maxCompressionRatio >= 1.0) || Double.isInfinite(maxCompressionRatio)) {
      problems.add("maxCompressionRatio: " + maxCompressionRatio + " is not a finite number >= 1; give e.g. 100");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException("ExtractionLimits", problems);
    }
  }
}
