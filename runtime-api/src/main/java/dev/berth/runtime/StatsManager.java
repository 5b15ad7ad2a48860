package dev.berth.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
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
   * @param cpuTime CPU time consumed so far
   * @param memoryBytes memory in use (RSS)
   * @param memoryLimitBytes the enforced memory limit
   * @param networkRxBytes bytes received
   * @param networkTxBytes bytes sent
   * @param pids processes/threads
   */
  record BotStats(
      String botId,
      Instant timestamp,
      Duration cpuTime,
      OptionalLong memoryBytes,
      OptionalLong memoryLimitBytes,
      OptionalLong networkRxBytes,
      OptionalLong networkTxBytes,
      OptionalLong pids) {
    public BotStats {
      Objects.requireNonNull(botId, "botId");
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(cpuTime, "cpuTime");
      Objects.requireNonNull(memoryBytes, "memoryBytes");
      Objects.requireNonNull(memoryLimitBytes, "memoryLimitBytes");
      Objects.requireNonNull(networkRxBytes, "networkRxBytes");
      Objects.requireNonNull(networkTxBytes, "networkTxBytes");
      Objects.requireNonNull(pids, "pids");
    }
  }
}
