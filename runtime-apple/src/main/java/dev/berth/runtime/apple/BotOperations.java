package dev.berth.runtime.apple;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle calls of {@link AppleRuntime} on containers found by label; callers hold the bot's lock.
 * The CLI has no restart and keeps no exit codes: restart is stop then start, and the {@link Wrapper}'s exit
 * file plus Berth's start and stop markers ({@link WorkloadFiles}) make the status, also in a new JVM.
 */
final class BotOperations {
  static final String WORKDIR = "/bot";
  private static final Logger log = LoggerFactory.getLogger(BotOperations.class);
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final Containers containers;
  private final WorkloadFiles files;
  private final StatusMapper statuses;
  private final WorkloadCreator creator;
  private final Duration defaultGrace;

  BotOperations(Containers containers, WorkloadFiles files, StatusMapper statuses, WorkloadCreator creator,
      Duration defaultGrace) {
    this.containers = containers;
    this.files = files;
    this.statuses = statuses;
    this.creator = creator;
    this.defaultGrace = defaultGrace;
  }

  BotStatus create(BotSpec spec) {
    creator.validate(spec);
    if (containers.find(spec.id()).isPresent()) { // a remembered name is checked with the CLI, else by label
      throw new BotAlreadyExistsException(spec.id(), containers.scope());
    }
    String name = Names.canonical(containers.scope(), WorkloadKind.BOT, spec.id());
    try {
      creator.create(spec, files, name, WORKDIR, false, Map.of());
    } catch (BotAlreadyExistsException e) {
      throw e; // another runtime of the scope won the name: its files stay
    } catch (RuntimeException e) {
      files.delete(spec.id());
      throw e;
    }
    files.writeSpec(spec);
    containers.remember(spec.id(), name);
    log.info("Created bot {} (container {})", spec.id(), name);
    return BotStatus.builder(spec.id(), BotState.CREATED).runtimeId(name).labels(spec.labels()).build();
  }

  void start(String id) {
    ContainerInfo container = containers.require(id);
    String name = container.name();
    if (container.active()) {
      if (files.exit(id, name).isEmpty()) {
        return; // already running
      }
      container = awaitStopped(id, container); // the run has ended; the CLI has not noticed yet
    }
    Optional<Instant> before = files.startedAt(id, name);
    files.markStarted(id, name, Instant.now());
    Cli.Result result = containers.start(name);
    if (!result.ok()) {
      files.restoreStarted(id, name, before);
      if (AppleErrors.isNotFound(result)) {
        containers.forget(id, name);
      }
      throw AppleErrors.translate(result, "starting bot '" + id + "'", WorkloadKind.BOT, id, containers.scope());
    }
  }

  void stop(String id, Duration grace) {
    ContainerInfo container = containers.require(id);
    String name = container.name();
    if (!container.active() || files.exit(id, name).isPresent()) {
      return; // not running: a no-op, and not a stop on request
    }
    files.markStopRequested(id, name);
    Cli.Result result = containers.stop(name, grace);
    if (!result.ok()) {
      if (AppleErrors.isNotFound(result)) {
        containers.forget(id, name);
      }
      throw AppleErrors.translate(result, "stopping bot '" + id + "'", WorkloadKind.BOT, id, containers.scope());
    }
  }

  /**
   * Removes the bot's container (stopping a running one with the default grace) and its files. A second
   * container of the id exists only while an update replaces one, under the same lock.
   */
  void delete(String id) {
    containers.find(id).ifPresent(container -> remove(id, container));
    files.delete(id);
  }

  private void remove(String id, ContainerInfo container) {
    String name = container.name();
    if (container.active()) { // the CLI refuses to delete a running one: stop it gracefully first
      containers.stop(name, defaultGrace);
    }
    Cli.Result result = containers.delete(name, false);
    if (AppleErrors.isInvalidState(result)) { // it was started meanwhile
      containers.stop(name, defaultGrace);
      result = containers.delete(name, true);
    }
    if (!result.ok() && !AppleErrors.isNotFound(result)) {
      throw AppleErrors.translate(result, "deleting bot '" + id + "'");
    }
    containers.forget(id, name);
    log.info("Deleted container {} of bot {}", name, id);
  }

  BotStatus status(String id) {
    return statuses.map(id, containers.require(id));
  }

  /**
   * Apple's VMs are sized at create and the CLI changes nothing in place, so every update recreates the
   * container: the new one is created first under a fresh name, so a failure (e.g. an image that cannot be
   * pulled) leaves the bot as it was; then the old one is removed and the new one started if the old ran.
   */
  BotStatus update(String id, BotUpdate update) {
    ContainerInfo old = containers.require(id);
    if (update.isEmpty()) {
      return statuses.map(id, old);
    }
    BotSpec current = files.readSpec(id).orElseThrow(() -> new RuntimeOperationException("Cannot update bot '"
        + id + "': its spec file in " + files.dir(id) + " is missing. Delete and create it again."));
    BotSpec next = update.applyTo(current);
    creator.validate(next);
    boolean wasRunning = statuses.map(id, old).state() == BotState.RUNNING;
    String name = Names.replacement(containers.scope(), WorkloadKind.BOT, id);
    creator.create(next, files, name, WORKDIR, false, Map.of());
    remove(id, old);
    files.deleteContainer(id, old.name());
    containers.remember(id, name);
    files.writeSpec(next);
    if (wasRunning) {
      start(id);
    }
    log.info("Recreated bot {} with the updated spec (container {})", id, name);
    return status(id);
  }

  private ContainerInfo awaitStopped(String id, ContainerInfo container) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    ContainerInfo current = container;
    while (current.active() && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeOperationException("Interrupted while bot '" + id + "' was ending", e);
      }
      current = containers.inspect(container.name()).orElseThrow(() -> containers.notFound(id));
    }
    return current;
  }
}
