package dev.berth.runtime.docker;

import dev.berth.runtime.Resources;

/**
 * {@link Resources} in Docker's units, for both create and the in-place update; a null field leaves that
 * limit unset. Swap equals memory, so no swap comes on top of the limit (Docker's default doubles it).
 *
 * @param memory bytes, also used as memory + swap
 * @param nanoCpus CPU in billionths of a core (millicores × 10⁶)
 * @param pids process/thread count
 */
record Limits(Long memory, Long nanoCpus, Long pids) {
  static Limits of(Resources resources) {
    return new Limits(resources.memoryBytes() > 0 ? resources.memoryBytes() : null,
        resources.cpuMillis() > 0 ? resources.cpuMillis() * 1_000_000L : null,
        resources.pids() > 0 ? (long) resources.pids() : null);
  }
}
