package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatisticNetworksConfig;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.StatsManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** One-shot {@code docker stats --no-stream} of a bot's container. */
final class DockerStatsManager implements StatsManager {
  private static final long TIMEOUT_SECONDS = 30;

  private final DockerClient client;
  private final DockerErrors errors;
  private final ContainerLookup bots;

  DockerStatsManager(DockerConnection connection, ContainerLookup bots) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.bots = bots;
  }

  @Override
  public BotStats stats(String botId) {
    Statistics stats = bots.withContainer(botId, containerId -> {
      AtomicReference<Statistics> first = new AtomicReference<>();
      QuietCallback<Statistics> callback = new QuietCallback<>() {
        @Override
        public void onNext(Statistics item) {
          first.compareAndSet(null, item);
        }
      };
      try {
        client.statsCmd(containerId).withNoStream(true).exec(callback)
            .awaitCompletion(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeOperationException("Reading the stats of bot '" + botId + "' was interrupted", e);
      } finally {
        QuietCallback.closeQuietly(callback);
      }
      callback.error().filter(e -> e instanceof RuntimeException && DockerErrors.isNotFound((RuntimeException) e))
          .ifPresent(e -> {
            throw (RuntimeException) e;
          });
      if (first.get() == null) {
        throw errors.translate(new RuntimeOperationException(callback.error().map(Throwable::getMessage)
            .orElse("no answer within " + TIMEOUT_SECONDS + " s")), "reading the stats of bot '" + botId + "'",
            botId);
      }
      return first.get();
    });
    long cpuNanos = stats.getCpuStats() != null && stats.getCpuStats().getCpuUsage() != null
        && stats.getCpuStats().getCpuUsage().getTotalUsage() != null
        ? stats.getCpuStats().getCpuUsage().getTotalUsage() : 0;
    long rx = 0;
    long tx = 0;
    Map<String, StatisticNetworksConfig> networks = stats.getNetworks();
    if (networks != null) {
      for (StatisticNetworksConfig n : networks.values()) {
        rx += n.getRxBytes() == null ? 0 : n.getRxBytes();
        tx += n.getTxBytes() == null ? 0 : n.getTxBytes();
      }
    }
    return new BotStats(botId, Instant.now(), Duration.ofNanos(cpuNanos),
        optional(stats.getMemoryStats() == null ? null : stats.getMemoryStats().getUsage()),
        optional(stats.getMemoryStats() == null ? null : stats.getMemoryStats().getLimit()),
        networks == null ? OptionalLong.empty() : OptionalLong.of(rx),
        networks == null ? OptionalLong.empty() : OptionalLong.of(tx),
        optional(stats.getPidsStats() == null ? null : stats.getPidsStats().getCurrent()), cpuCores(stats));
  }

  /**
   * The CPU in use, in cores, between the two samples a one-shot read carries ({@code precpu_stats} is the engine's
   * sample about a second earlier), as {@code docker stats} computes it; empty without both samples.
   */
  static OptionalDouble cpuCores(Statistics stats) {
    CpuStatsConfig now = stats.getCpuStats();
    CpuStatsConfig before = stats.getPreCpuStats();
    if (now == null || before == null || now.getCpuUsage() == null || before.getCpuUsage() == null
        || now.getCpuUsage().getTotalUsage() == null || before.getCpuUsage().getTotalUsage() == null
        || now.getSystemCpuUsage() == null || before.getSystemCpuUsage() == null) {
      return OptionalDouble.empty();
    }
    long system = now.getSystemCpuUsage() - before.getSystemCpuUsage();
    long used = now.getCpuUsage().getTotalUsage() - before.getCpuUsage().getTotalUsage();
    long cpus = now.getOnlineCpus() != null && now.getOnlineCpus() > 0 ? now.getOnlineCpus()
        : now.getCpuUsage().getPercpuUsage() != null ? now.getCpuUsage().getPercpuUsage().size() : 1;
    if (system <= 0 || used < 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) used / system * cpus);
  }

  private static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
