package dev.berth.runtime;

/**
 * Resource limits of a workload. Zero means "no limit" for every field.
 *
 * <pre>{@code
 * Resources limits = Resources.builder().memory("512m").cpuMillis(500).pids(256).build();
 * }</pre>
 *
 * @param memoryBytes memory limit in bytes, 0 for none
 * @param cpuMillis CPU limit in millicores (1000 = one core), 0 for none
 * @param pids maximum number of processes/threads, 0 for none
 */
public record Resources(long memoryBytes, int cpuMillis, int pids) {
  /** No limits. */
  public static final Resources UNLIMITED = new Resources(0, 0, 0);

  public Resources {
    new Violations("Resources")
        .check(memoryBytes >= 0, "resources.memoryBytes",
            memoryBytes + " is negative; use 0 for no limit or a positive byte count")
        .check(memoryBytes == 0 || memoryBytes >= 4 * 1024 * 1024, "resources.memoryBytes",
            memoryBytes + " bytes is below the 4 MiB any workload needs; use at least 4m")
        .check(cpuMillis >= 0, "resources.cpuMillis",
            cpuMillis + " is negative; use 0 for no limit or millicores (1000 = one core)")
        .check(pids >= 0, "resources.pids", pids + " is negative; use 0 for no limit")
        .throwIfAny();
  }

  /** True when no field sets a limit. */
  public boolean isUnlimited() {
    return memoryBytes == 0 && cpuMillis == 0 && pids == 0;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link Resources}. */
  public static final class Builder {
    private long memoryBytes;
    private int cpuMillis;
    private int pids;

    private Builder() {}

    public Builder memoryBytes(long memoryBytes) {
      this.memoryBytes = memoryBytes;
      return this;
    }

    /** Memory as a size string: {@code 512m}, {@code 1g}, {@code 65536k}, or plain bytes. */
    public Builder memory(String size) {
      this.memoryBytes = Sizes.parse("resources.memory", size);
      return this;
    }

    public Builder cpuMillis(int cpuMillis) {
      this.cpuMillis = cpuMillis;
      return this;
    }

    public Builder pids(int pids) {
      this.pids = pids;
      return this;
    }

    public Resources build() {
      return new Resources(memoryBytes, cpuMillis, pids);
    }
  }
}
