package dev.berth.runtime.core.fleet;

import dev.berth.runtime.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Stable assignment of bots to fleet segments, so several processes can split one fleet: each runs a
 * {@link Reconciler} owning some of the segments, and every bot belongs to exactly one.
 *
 * <pre>{@code
 * int segment = Segments.of("momentum-btc", 4);   // 0..3, the same in every JVM, release and machine
 * }</pre>
 *
 * <p>The segment is the 64-bit FNV-1a hash of the id's UTF-8 bytes, finalised with MurmurHash3's
 * {@code fmix64}, modulo the count (non-negative). Another language computes the same value from this
 * sentence, so a service written in it can predict which runner owns a bot.
 */
public final class Segments {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Segments() {}

  /**
   * The segment of {@code botId} among {@code count} segments: {@code 0} to {@code count - 1}.
   *
   * @throws InvalidSpecException when {@code count} is not positive
   */
  public static int of(String botId, int count) {
    Objects.requireNonNull(botId, "botId");
    if (count < 1) {
      throw new InvalidSpecException("segment count", List.of("count: " + count + " is not positive; give the "
          + "number of segments the fleet is split into, e.g. 4"));
    }
    long hash = FNV_OFFSET;
    for (byte b : botId.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return (int) Math.floorMod(fmix64(hash), (long) count);
  }

  /** The value of the segment label for {@code botId} among {@code count} segments: {@code of} as text. */
  public static String label(String botId, int count) {
    return Integer.toString(of(botId, count));
  }

  private static long fmix64(long value) {
    long k = value;
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
