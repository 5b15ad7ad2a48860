package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.WaitResponse;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.Health;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.backtest.BacktestDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backtests as Docker containers for the core backtest engine: the workspace is this run's own copy,
 * mounted writable at {@code /backtest}; the result is copied out of the container (so remote engines work
 * too); the engine's metadata travels as container labels.
 */
final class DockerBacktestDriver implements BacktestDriver<DockerBacktestDriver.Backtest> {
  static final String WORKDIR = "/backtest";
  private static final Logger LOG = LoggerFactory.getLogger(DockerBacktestDriver.class);

  private final DockerConnection connection;
  private final DockerSettings settings;
  private final WorkloadCreator creator;
  private final ContainerLookup lookup;
  private final BotFiles files;
  private final LogStreams logs;
  private final ResultCollector collector;

  /**
   * The driver's handle: the backtest's id and its container, absent when only files are left.
   *
   * @param id the backtest's id
   * @param containerId its container
   */
  record Backtest(String id, Optional<String> containerId) {}

  DockerBacktestDriver(DockerBuilder.Parts parts) {
    this.connection = parts.connection();
    this.settings = parts.settings();
    this.creator = parts.creator();
    this.lookup = new ContainerLookup(connection, settings.scope(), Labels.KIND_BACKTEST);
    this.files = new BotFiles(settings.scopeDir(), Labels.KIND_BACKTEST);
    this.logs = new LogStreams(connection);
    this.collector = new ResultCollector(connection.client());
  }

  @Override
  public String type() {
    return DockerRuntimeProvider.TYPE;
  }

  @Override
  public String endpoint() {
    return connection.endpoint().host();
  }

  @Override
  public void validate(BacktestSpec spec) {
    WorkloadOptions.of(spec);
    if (spec.image().isBlank()) {
      throw new InvalidSpecException("BacktestSpec",
          List.of("image: is empty; the docker runtime needs an image such as busybox:1.36"));
    }
  }

  @Override
  public Backtest launch(BacktestSpec spec, Map<String, String> metadata) throws InterruptedException {
    try {
      String containerId = creator.create(spec, files, WORKDIR, true, metadata);
      lookup.remember(spec.id(), containerId);
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("cancelled while the container was created");
      }
      connection.client().startContainerCmd(containerId).exec();
      return new Backtest(spec.id(), Optional.of(containerId));
    } catch (RuntimeException | InterruptedException e) {
      // An interrupted request may have created the container without telling us its id: the lease the
      // engine holds makes every container of this id ours, so remove by label.
      boolean interrupted = Thread.interrupted() || e instanceof InterruptedException;
      removeEverything(spec.id());
      if (interrupted) {
        InterruptedException cut = new InterruptedException("cancelled while it was being created");
        cut.addSuppressed(e);
        throw cut;
      }
      throw e instanceof BerthException ? (BerthException) e
          : connection.errors().translate((RuntimeException) e, "starting backtest '" + spec.id() + "'", null);
    }
  }

  private void removeEverything(String id) {
    try {
      for (Container container : lookup.all(Map.of(Labels.ID, id))) {
        remove(new Backtest(id, Optional.of(container.getId())));
      }
      files.delete(id);
    } catch (RuntimeException e) {
      LOG.warn("Removing what a failed launch of backtest {} made failed: {}; the runner's next sweep "
          + "removes it", id, e.getMessage());
    }
  }

  @Override
  public Exit awaitExit(Backtest backtest) throws InterruptedException {
    if (backtest.containerId().isEmpty()) {
      return new Exit(OptionalInt.empty(), Optional.empty(), Optional.empty(), false,
          "its container is gone; only its files were left");
    }
    String containerId = backtest.containerId().get();
    Optional<InspectContainerResponse> before = inspect(containerId);
    if (before.isPresent() && "created".equals(before.get().getState().getStatus())) {
      return new Exit(OptionalInt.empty(), Optional.empty(), Optional.empty(), false,
          "it never started: its runner died while starting it");
    }
    if (before.isPresent() && isRunning(before.get())) {
      waitForExit(containerId);
    }
    Optional<InspectContainerResponse> after = before.isPresent() && isRunning(before.get())
        ? inspect(containerId) : before;
    if (after.isEmpty()) {
      return new Exit(OptionalInt.empty(), Optional.empty(), Optional.empty(), false,
          "its container was removed by someone else before it reported an exit code");
    }
    InspectContainerResponse.ContainerState state = after.get().getState();
    Optional<Instant> started = StatusMapper.instant(state.getStartedAt());
    Optional<Instant> finished = StatusMapper.instant(state.getFinishedAt())
        .map(at -> started.filter(at::isBefore).orElse(at));
    int code = state.getExitCodeLong() == null ? -1 : state.getExitCodeLong().intValue();
    boolean oom = Boolean.TRUE.equals(state.getOOMKilled());
    String message = code == 0 ? "" : oom ? "killed: out of memory (exit code " + code + ")"
        : ExitDiagnosis.describeExit(code, ExitDiagnosis.needsLog(code)
            ? logs.lastLines(containerId, ExitDiagnosis.LINES) : List.of(), image(after.get()));
    return new Exit(OptionalInt.of(code), started, finished, oom, message);
  }

  @Override
  public Optional<String> readResult(Backtest backtest, String resultPath, long maxBytes) {
    return backtest.containerId().flatMap(containerId ->
        collector.collect(backtest.id(), containerId, resultPath, WORKDIR + "/" + resultPath, maxBytes));
  }

  @Override
  public Stream<LogLine> logs(Backtest backtest, LogOptions options) {
    return backtest.containerId().map(containerId -> logs.open(containerId, options, backtest.id()))
        .orElseGet(Stream::empty);
  }

  @Override
  public void stop(Backtest backtest, Duration grace) {
    backtest.containerId().ifPresent(containerId -> {
      try {
        connection.client().stopContainerCmd(containerId)
            .withTimeout((int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000)).exec();
      } catch (NotModifiedException e) {
        // already stopped
      } catch (RuntimeException e) {
        if (!DockerErrors.isNotFound(e)) {
          throw connection.errors().translate(e, "stopping backtest '" + backtest.id() + "'", null);
        }
      }
    });
  }

  @Override
  public void remove(Backtest backtest) {
    backtest.containerId().ifPresent(containerId -> {
      try {
        connection.client().removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
      } catch (RuntimeException e) {
        if (!DockerErrors.isGoneOrBeingRemoved(e)) {
          throw connection.errors().translate(e, "removing the container of backtest '" + backtest.id() + "'",
              null);
        }
      }
      lookup.forget(backtest.id(), containerId);
    });
    files.delete(backtest.id());
  }

  @Override
  public List<Found<Backtest>> list() {
    List<Found<Backtest>> found = new ArrayList<>();
    Set<String> withContainer = new HashSet<>();
    for (Container container : lookup.all(Map.of())) {
      found(container).ifPresent(f -> {
        found.add(f);
        withContainer.add(f.id());
      });
    }
    for (String id : files.ids()) {
      if (!withContainer.contains(id)) {
        found.add(new Found<>(id, new Backtest(id, Optional.empty()), Map.of(), false));
      }
    }
    return found;
  }

  @Override
  public Optional<Found<Backtest>> find(String backtestId) {
    List<Container> containers = lookup.all(Map.of(Labels.ID, backtestId));
    Optional<Found<Backtest>> found = containers.stream().max(java.util.Comparator.comparing(Container::getCreated))
        .flatMap(this::found);
    if (found.isEmpty() && files.ids().contains(backtestId)) {
      return Optional.of(new Found<>(backtestId, new Backtest(backtestId, Optional.empty()), Map.of(), false));
    }
    return found;
  }

  @Override
  public Health health() {
    return connection.health();
  }

  @Override
  public void close() {
    logs.close();
    connection.close();
  }

  private Optional<Found<Backtest>> found(Container container) {
    Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
    String id = labels.get(Labels.ID);
    if (id == null) {
      return Optional.empty();
    }
    Map<String, String> metadata = new TreeMap<>(labels);
    metadata.keySet().removeIf(key -> !key.startsWith("berth."));
    String state = String.valueOf(container.getState());
    boolean running = state.equals("running") || state.equals("restarting") || state.equals("paused");
    return Optional.of(new Found<>(id, new Backtest(id, Optional.of(container.getId())), metadata, running));
  }

  private Optional<InspectContainerResponse> inspect(String containerId) {
    try {
      return Optional.of(connection.client().inspectContainerCmd(containerId).exec());
    } catch (RuntimeException e) {
      if (DockerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw connection.errors().translate(e, "inspecting a backtest container", null);
    }
  }

  private static String image(InspectContainerResponse container) {
    return container.getConfig() == null || container.getConfig().getImage() == null ? "?"
        : container.getConfig().getImage();
  }

  private static boolean isRunning(InspectContainerResponse container) {
    String status = String.valueOf(container.getState().getStatus());
    return status.equals("running") || status.equals("restarting") || status.equals("paused");
  }

  private void waitForExit(String containerId) throws InterruptedException {
    QuietCallback<WaitResponse> callback = new QuietCallback<>();
    try {
      connection.client().waitContainerCmd(containerId).exec(callback).awaitCompletion();
    } catch (RuntimeException e) {
      if (!DockerErrors.isNotFound(e)) {
        throw connection.errors().translate(e, "waiting for a backtest container", null);
      }
    } finally {
      QuietCallback.closeQuietly(callback);
    }
  }
}
