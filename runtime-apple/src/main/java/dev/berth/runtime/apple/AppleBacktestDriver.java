package dev.berth.runtime.apple;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.Health;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.internal.backtest.BacktestDriver;
import dev.berth.runtime.core.internal.backtest.ResultTooLargeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Backtests as Apple containers for the core backtest engine: the workspace is this run's own copy, mounted
 * writable at {@code /backtest}, so the result is read from this Mac's disk; the exit code comes from the
 * {@link Wrapper}'s exit file (the CLI keeps none); the engine's metadata travels as container labels.
 */
final class AppleBacktestDriver implements BacktestDriver<AppleBacktestDriver.Backtest> {
  static final String WORKDIR = "/backtest";
  private static final Logger log = LoggerFactory.getLogger(AppleBacktestDriver.class);
  private static final long POLL_MILLIS = 100;
  private static final int CLI_EVERY = 10;

  private final Cli cli;
  private final WorkloadCreator creator;
  private final Containers containers;
  private final WorkloadFiles files;
  private final FollowWatch follows;

  /**
   * The driver's handle: the backtest's id and its container's name, absent when only files are left.
   *
   * @param id the backtest's id
   * @param name its container
   */
  record Backtest(String id, Optional<String> name) {}

  AppleBacktestDriver(AppleBuilder.Parts parts) {
    AppleSettings settings = parts.settings();
    this.cli = parts.cli();
    this.creator = parts.creator();
    this.containers = new Containers(cli, settings.scope(), WorkloadKind.BACKTEST);
    this.files = new WorkloadFiles(settings.scopeDir(), WorkloadKind.BACKTEST);
    this.follows = new FollowWatch("berth-apple-backtest-follows-" + settings.scope());
  }

  @Override
  public String type() {
    return AppleRuntimeProvider.TYPE;
  }

  @Override
  public String endpoint() {
    return cli.executable().toString();
  }

  @Override
  public void validate(BacktestSpec spec) {
    creator.validate(spec);
    if (spec.resultPath().contains("=")) {
      throw new InvalidSpecException("BacktestSpec", List.of("resultPath: '" + spec.resultPath() + "' contains "
          + "'=', which the container CLI cannot carry in the label that records it; choose another name"));
    }
  }

  @Override
  public Backtest launch(BacktestSpec spec, Map<String, String> metadata) throws InterruptedException {
    String name = Names.canonical(containers.scope(), WorkloadKind.BACKTEST, spec.id());
    try {
      creator.create(spec, files, name, WORKDIR, true, metadata);
      containers.remember(spec.id(), name);
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("cancelled while the container was created");
      }
      files.markStarted(spec.id(), name, Instant.now());
      Cli.Result result = containers.start(name);
      if (!result.ok()) {
        throw AppleErrors.translate(result, "starting backtest '" + spec.id() + "'");
      }
      return new Backtest(spec.id(), Optional.of(name));
    } catch (RuntimeException | InterruptedException e) {
      boolean interrupted = Thread.interrupted() || e instanceof InterruptedException;
      removeEverything(spec.id());
      if (interrupted) {
        InterruptedException cut = new InterruptedException("cancelled while it was being created");
        cut.addSuppressed(e);
        throw cut;
      }
      throw e instanceof BerthException ? (BerthException) e
          : new RuntimeOperationException("Starting backtest '" + spec.id() + "' failed: " + e.getMessage(), e);
    }
  }

  private void removeEverything(String id) {
    try {
      for (ContainerInfo container : containers.of(id)) {
        remove(new Backtest(id, Optional.of(container.name())));
      }
      files.delete(id);
    } catch (RuntimeException e) {
      log.warn("Removing what a failed launch of backtest {} made failed: {}; the runner's next sweep removes it",
          id, e.getMessage());
    }
  }

  @Override
  public Exit awaitExit(Backtest backtest) throws InterruptedException {
    if (backtest.name().isEmpty()) {
      return unknown("its container is gone; only its files were left");
    }
    String id = backtest.id();
    String name = backtest.name().get();
    for (long round = 0; ; round++) {
      Optional<WorkloadFiles.Exit> exit = files.exit(id, name);
      if (exit.isPresent()) {
        awaitStopped(name);
        return exit(id, name, exit.get());
      }
      if (round % CLI_EVERY == 0) {
        Optional<ContainerInfo> container = containers.inspect(name);
        if (container.isEmpty() || !container.get().active()) {
          Optional<WorkloadFiles.Exit> last = files.exit(id, name); // it may have ended since the first look
          if (last.isPresent()) {
            return exit(id, name, last.get());
          }
          Optional<Instant> started = files.startedAt(id, name);
          if (container.isEmpty()) {
            return unknown("its container was removed by someone else before it reported an exit code");
          }
          return started.isEmpty() ? unknown("it never started: its runner died while starting it")
              : new Exit(OptionalInt.empty(), started, Optional.empty(), false, "the run ended without recording an "
                  + "exit code: it was killed, or its VM stopped");
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private Exit exit(String id, String name, WorkloadFiles.Exit exit) {
    Optional<Instant> started = files.startedAt(id, name);
    Instant finished = started.filter(exit.at()::isBefore).orElse(exit.at());
    String message = exit.code() == 0 ? "" : Exits.describe(exit.code(), Optional.empty());
    return new Exit(OptionalInt.of(exit.code()), started, Optional.of(finished), false, message);
  }

  private static Exit unknown(String message) {
    return new Exit(OptionalInt.empty(), Optional.empty(), Optional.empty(), false, message);
  }

  /** The wrapper wrote its exit just before it ended: once the CLI shows the container stopped, its log is whole. */
  private void awaitStopped(String name) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() - deadline < 0 && containers.inspect(name).map(ContainerInfo::active).orElse(false)) {
      Thread.sleep(POLL_MILLIS);
    }
  }

  @Override
  public Optional<String> readResult(Backtest backtest, String resultPath, long maxBytes) {
    if (backtest.name().isEmpty()) {
      return Optional.empty();
    }
    Path workspace = files.workspace(backtest.id(), backtest.name().get());
    Path file = workspace.resolve(resultPath).normalize();
    try {
      if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(workspace.toRealPath())) {
        return Optional.empty(); // none, or a link leading out of the workspace
      }
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new ResultTooLargeException(backtest.id(), resultPath, size, maxBytes);
      }
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading the result of backtest '" + backtest.id() + "' from " + file
          + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Stream<LogLine> logs(Backtest backtest, LogOptions options) {
    if (backtest.name().isEmpty()) {
      return Stream.empty();
    }
    ContainerLogs logs = new ContainerLogs(containers, files, backtest.id(), backtest.name().get(), Optional.empty());
    return options.follow() ? follows.open(logs, options) : logs.read(options).stream();
  }

  @Override
  public void stop(Backtest backtest, Duration grace) {
    backtest.name().ifPresent(name -> {
      Cli.Result result = containers.stop(name, grace);
      if (!result.ok() && !AppleErrors.isNotFound(result)) {
        throw AppleErrors.translate(result, "stopping backtest '" + backtest.id() + "'");
      }
    });
  }

  @Override
  public void remove(Backtest backtest) {
    backtest.name().ifPresent(name -> {
      Cli.Result result = containers.delete(name, true);
      if (!result.ok() && !AppleErrors.isNotFound(result)) {
        throw AppleErrors.translate(result, "removing the container of backtest '" + backtest.id() + "'");
      }
      containers.forget(backtest.id(), name);
    });
    files.delete(backtest.id());
  }

  @Override
  public List<Found<Backtest>> list() {
    List<Found<Backtest>> found = new ArrayList<>();
    Set<String> withContainer = new HashSet<>();
    for (ContainerInfo container : containers.all()) {
      found(container).ifPresent(f -> {
        found.add(f);
        withContainer.add(f.id());
      });
    }
    for (String id : files.ids()) {
      if (!withContainer.contains(id) && WorkloadKind.isValidId(id)) {
        found.add(new Found<>(id, new Backtest(id, Optional.empty()), Map.of(), false));
      }
    }
    return found;
  }

  @Override
  public Optional<Found<Backtest>> find(String backtestId) {
    Optional<Found<Backtest>> found = containers.of(backtestId).stream()
        .max(java.util.Comparator.comparing(ContainerInfo::active)).flatMap(this::found);
    if (found.isEmpty() && files.ids().contains(backtestId)) {
      return Optional.of(new Found<>(backtestId, new Backtest(backtestId, Optional.empty()), Map.of(), false));
    }
    return found;
  }

  private Optional<Found<Backtest>> found(ContainerInfo container) {
    String id = container.labels().get(Names.ID);
    if (id == null || !WorkloadKind.isValidId(id)) {
      return Optional.empty();
    }
    Map<String, String> metadata = new TreeMap<>(container.labels());
    metadata.keySet().removeIf(key -> !key.startsWith("berth."));
    boolean running = container.active() && files.exit(id, container.name()).isEmpty();
    return Optional.of(new Found<>(id, new Backtest(id, Optional.of(container.name())), metadata, running));
  }

  @Override
  public Health health() {
    return SystemStatus.health(cli);
  }

  @Override
  public void close() {
    follows.close();
  }
}
