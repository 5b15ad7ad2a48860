package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes backtest containers of the scope that no runner will clean up: a runner that crashed leaves
 * them behind. A container is a leftover when it is not kept and either ended more than the sweep grace
 * ago (a live runner collects within moments of the exit) or is past its deadline label plus the grace.
 * Runs when a runner starts; works across hosts because it relies on labels and Docker's clock only.
 */
final class BacktestSweeper {
  private static final Logger log = LoggerFactory.getLogger(BacktestSweeper.class);

  private final DockerClient client;
  private final ContainerLookup lookup;
  private final BacktestRunnerParts parts;
  private final Duration grace;

  BacktestSweeper(DockerClient client, ContainerLookup lookup, BacktestRunnerParts parts, Duration grace) {
    this.client = client;
    this.lookup = lookup;
    this.parts = parts;
    this.grace = grace;
  }

  /**
   * Sweeps leftovers, skipping the ids {@code ownedHere} (this runner's live backtests).
   *
   * @return how many containers were removed
   */
  int sweep(Predicate<String> ownedHere) {
    int removed = 0;
    Instant now = Instant.now();
    try {
      for (Container container : lookup.all(Map.of())) {
        Map<String, String> labels = container.getLabels();
        String id = labels.get(Labels.ID);
        if (id == null || ownedHere.test(id) || "true".equals(labels.get(Labels.KEEP))) {
          continue;
        }
        if (isLeftover(container, labels, now)) {
          log.info("Sweeping leftover backtest {} (container {})", id, BotOperations.shortId(container.getId()));
          parts.remove(id, container.getId());
          removed++;
        }
      }
    } catch (RuntimeException e) {
      log.warn("Sweeping leftover backtests failed: {}", e.getMessage());
    }
    return removed;
  }

  private boolean isLeftover(Container container, Map<String, String> labels, Instant now) {
    Optional<Instant> deadline = Optional.ofNullable(labels.get(Labels.DEADLINE)).flatMap(BacktestSweeper::epoch);
    if (deadline.isPresent() && deadline.get().plus(grace).isBefore(now)) {
      return true;
    }
    if ("running".equals(container.getState())) {
      return false;
    }
    if ("created".equals(container.getState())) { // a live runner starts what it created at once
      return container.getCreated() != null
          && !Instant.ofEpochSecond(container.getCreated()).plus(grace).isAfter(now);
    }
    try {
      InspectContainerResponse inspected = client.inspectContainerCmd(container.getId()).exec();
      return StatusMapper.instant(inspected.getState().getFinishedAt())
          .map(finished -> !finished.plus(grace).isAfter(now)).orElse(true);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Optional<Instant> epoch(String text) {
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(text)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
