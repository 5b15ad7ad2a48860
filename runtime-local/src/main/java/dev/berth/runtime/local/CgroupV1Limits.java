package dev.berth.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing limits into cgroup v1 controller files, in the order the kernel accepts them. */
final class CgroupV1Limits {
  static final long CFS_PERIOD_MICROS = 100_000;
  /** The smallest quota the kernel accepts. */
  private static final long MIN_QUOTA_MICROS = 1_000;

  private CgroupV1Limits() {}

  /**
   * Sets the memory limit ({@code bytes <= 0}: none). Where swap is accounted, memory plus swap gets the same
   * limit, so the workload cannot swap past it. The kernel requires memsw &gt;= memory at every moment: raising
   * writes memsw first, lowering writes memory first.
   */
  static void memory(Path dir, long bytes) throws IOException {
    Path memory = dir.resolve("memory.limit_in_bytes");
    Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
    String value = bytes > 0 ? Long.toString(bytes) : "-1";
    if (!Files.exists(memsw)) {
      Files.writeString(memory, value);
      return;
    }
    long current = current(memory);
    if (bytes <= 0 || bytes > current) {
      Files.writeString(memsw, value);
      Files.writeString(memory, value);
    } else {
      Files.writeString(memory, value);
      Files.writeString(memsw, value);
    }
  }

  /** Sets a CFS quota of {@code millis}/1000 CPUs per 100 ms period ({@code millis <= 0}: none). */
  static void cpu(Path dir, int millis) throws IOException {
    Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(CFS_PERIOD_MICROS));
    Files.writeString(dir.resolve("cpu.cfs_quota_us"), millis > 0
        ? Long.toString(Math.max(MIN_QUOTA_MICROS, millis * CFS_PERIOD_MICROS / 1000)) : "-1");
  }

  private static long current(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
