package dev.berth.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** One-shot resource usage of a running bot. */
public interface StatsManager extends Feature {
  /**
   * The bot's usage now.
   *
   * @param botId the bot
   * @return its usage; values the backend cannot measure are empty
   * @throws BotNotFoundException when the bot is unknown
   */
  BotStats stats(String botId);

  /**
   * Resource usage. Values a backend cannot measure are empty.
   *
   * @param botId the bot
   * @param timestamp when measured
   * @param cpuTime CPU time consumed so far; {@link Duration#ZERO} where the backend measures only the current
   *     rate (Kubernetes, whose metrics API serves {@code cpuCores})
   * @param memoryBytes memory in use (RSS; the working set on Kubernetes)
   * @param memoryLimitBytes the enforced memory limit
   * @param networkRxBytes bytes received
   * @param networkTxBytes bytes sent
   * @param pids processes/threads
   * @param cpuCores CPU in use now, in cores (1.0 is one core busy), averaged over the backend's sampling window
   *     (Docker: about a second; Kubernetes: the metrics server's window, typically 15-30 s)
   */
  record BotStats(
      String botId,
      Instant timestamp,
      Duration cpuTime,
      OptionalLong memoryBytes,
      OptionalLong memoryLimitBytes,
      OptionalLong networkRxBytes,
      OptionalLong networkTxBytes,
      OptionalLong pids,
      OptionalDouble cpuCores) {
    public BotStats {
      Objects.requireNonNull(botId, "botId");
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(cpuTime, "cpuTime");
      Objects.requireNonNull(memoryBytes, "memoryBytes");
      Objects.requireNonNull(memoryLimitBytes, "memoryLimitBytes");
      Objects.requireNonNull(networkRxBytes, "networkRxBytes");
      Objects.requireNonNull(networkTxBytes, "networkTxBytes");
      Objects.requireNonNull(pids, "pids");
      Objects.requireNonNull(cpuCores, "cpuCores");
    }

    /** Usage without a current CPU rate ({@code cpuCores} empty), as before that value existed. */
    public BotStats(String botId, Instant timestamp, Duration cpuTime, OptionalLong memoryBytes,
        OptionalLong memoryLimitBytes, OptionalLong networkRxBytes, OptionalLong networkTxBytes, OptionalLong pids) {
      this(botId, timestamp, cpuTime, memoryBytes, memoryLimitBytes, networkRxBytes, networkTxBytes, pids,
          OptionalDouble.empty());
    }
  }
}
