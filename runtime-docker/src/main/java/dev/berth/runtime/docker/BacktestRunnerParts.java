package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.WorkloadKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Docker calls and storage a {@link BacktestJob} needs, shared by every job of a runner. */
final class BacktestRunnerParts {
  static final String WORKDIR = "/backtest";
  /** Captured log text kept in memory per backtest; beyond it the oldest lines are dropped. */
  static final long MAX_CAPTURED_LOG_BYTES = 16L * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(BacktestRunnerParts.class);

  private final DockerConnection connection;
  private final DockerSettings settings;
  private final WorkloadCreator creator;
  private final ContainerLookup lookup;
  private final BotFiles files;
  private final LogStreams logs;
  private final ResultCollector collector;
  private final Optional<ObjectStore> store;

  BacktestRunnerParts(DockerConnection connection, DockerSettings settings, WorkloadCreator creator,
      ContainerLookup lookup, BotFiles files, Optional<ObjectStore> store) {
    this.connection = connection;
    this.settings = settings;
    this.creator = creator;
    this.lookup = lookup;
    this.files = files;
    this.logs = new LogStreams(connection);
    this.collector = new ResultCollector(connection.client(), settings.resultMaxBytes());
    this.store = store;
  }

  DockerClient client() {
    return connection.client();
  }

  DockerSettings settings() {
    return settings;
  }

  ResultCollector collector() {
    return collector;
  }

  LogStreams logs() {
    return logs;
  }

  String create(BacktestSpec spec, Map<String, String> labels) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    if (spec.keep()) {
      all.put(Labels.KEEP, "true");
    }
    String containerId = creator.create(spec, files, WORKDIR, true, all);
    lookup.remember(spec.id(), containerId);
    return containerId;
  }

  void start(String id, String containerId) {
    try {
      client().startContainerCmd(containerId).exec();
    } catch (RuntimeException e) {
      throw connection.errors().translate(e, "starting backtest '" + id + "'", WorkloadKind.BACKTEST, id);
    }
  }

  /** Kills the container at once; a container that is not running is fine. */
  void kill(String containerId) {
    try {
      client().killContainerCmd(containerId).exec();
    } catch (NotModifiedException e) {
      // already stopped
    } catch (RuntimeException e) {
      log.debug("Killing container {} failed: {}", containerId, DockerErrors.message(e));
    }
  }

  /** Every line the container wrote, oldest first; the oldest are dropped beyond the memory cap. */
  List<LogLine> captureLogs(String id, String containerId) {
    Deque<LogLine> lines = new ArrayDeque<>();
    long bytes = 0;
    try (Stream<LogLine> stream = logs.open(containerId, LogOptions.DEFAULT, id)) {
      for (var it = stream.iterator(); it.hasNext(); ) {
        LogLine line = it.next();
        lines.addLast(line);
        bytes += line.text().length() + 1;
        while (bytes > MAX_CAPTURED_LOG_BYTES && !lines.isEmpty()) {
          bytes -= lines.removeFirst().text().length() + 1;
        }
      }
    } catch (RuntimeException e) {
      log.warn("Reading the logs of backtest {} failed: {}", id, e.getMessage());
    }
    return List.copyOf(lines);
  }

  /**
   * Stores the result and the full logs when a store is configured.
   *
   * @return {@code result} and {@code logs} mapped to where they were stored
   */
  Map<String, String> store(String id, Optional<String> resultJson, List<LogLine> lines) {
    Map<String, String> locations = new LinkedHashMap<>();
    if (store.isEmpty()) {
      return locations;
    }
    try {
      if (resultJson.isPresent()) {
        store.get().put(ObjectStore.RESULTS_BUCKET, resultKey(id), resultJson.get().getBytes(StandardCharsets.UTF_8),
            "application/json");
        locations.put("result", ObjectStore.RESULTS_BUCKET + "/" + resultKey(id));
      }
      StringBuilder text = new StringBuilder();
      lines.forEach(line -> text.append(line.timestamp()).append(' ').append(line.stream()).append(' ')
          .append(line.text()).append('\n'));
      store.get().put(ObjectStore.RESULTS_BUCKET, logsKey(id), text.toString().getBytes(StandardCharsets.UTF_8),
          "text/plain");
      locations.put("logs", ObjectStore.RESULTS_BUCKET + "/" + logsKey(id));
    } catch (RuntimeException e) {
      log.warn("Storing the result or logs of backtest {} failed: {}", id, e.getMessage());
    }
    return locations;
  }

  /** Deletes what the store holds for the backtest. */
  void deleteStored(String id) {
    store.ifPresent(s -> {
      s.delete(ObjectStore.RESULTS_BUCKET, resultKey(id));
      s.delete(ObjectStore.RESULTS_BUCKET, logsKey(id));
    });
  }

  /** Removes the container (killing it if needed) and the backtest's files. */
  void remove(String id, String containerId) {
    if (containerId != null) {
      try {
        client().removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
      } catch (RuntimeException e) {
        if (!DockerErrors.isGoneOrBeingRemoved(e)) {
          throw connection.errors().translate(e, "removing the container of backtest '" + id + "'", null);
        }
      }
      lookup.forget(id, containerId);
    }
    files.delete(id);
  }

  static String resultKey(String id) {
    return id + "/result.json";
  }

  static String logsKey(String id) {
    return id + "/logs.txt";
  }
}
