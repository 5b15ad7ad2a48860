package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.UpdateContainerCmd;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle calls of {@link DockerRuntime} on containers found by label. Callers hold the bot's lock.
 * Docker's own restart policy restarts crashed bots; a stop on request is recorded in {@link BotFiles} so
 * the exit code a SIGTERM or SIGKILL causes (143, 137) still reads as STOPPED, also in a new JVM.
 */
final class BotOperations {
  static final String WORKDIR = "/bot";
  private static final Logger log = LoggerFactory.getLogger(BotOperations.class);

  private final DockerClient client;
  private final DockerErrors errors;
  private final ContainerLookup lookup;
  private final BotFiles files;
  private final StatusMapper statuses;
  private final WorkloadCreator creator;
  private final DockerSidecarManager sidecars;
  private final Duration defaultGrace;

  BotOperations(DockerConnection connection, ContainerLookup lookup, BotFiles files, WorkloadCreator creator,
      DockerSidecarManager sidecars, Duration defaultGrace, StatusMapper.LastLines lastLines) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.lookup = lookup;
    this.files = files;
    this.statuses = new StatusMapper(files, lastLines);
    this.creator = creator;
    this.sidecars = sidecars;
    this.defaultGrace = defaultGrace;
  }

  BotStatus create(BotSpec spec) {
    if (lookup.findByLabel(spec.id()).isPresent()) { // not the cache: the container may be gone meanwhile
      throw new BotAlreadyExistsException(spec.id(), lookup.scope());
    }
    String containerId = creator.create(spec, files, WORKDIR, false, Map.of());
    lookup.remember(spec.id(), containerId);
    log.info("Created bot {} (container {})", spec.id(), shortId(containerId));
    return BotStatus.builder(spec.id(), BotState.CREATED).runtimeId(containerId).labels(spec.labels())
        .build();
  }

  void start(String id) {
    files.clearStopRequested(id);
    lookup.withContainer(id, containerId -> {
      try {
        client.startContainerCmd(containerId).exec();
      } catch (NotModifiedException e) {
        return null; // already running
      } catch (RuntimeException e) {
        if (DockerErrors.isNotFound(e)) {
          throw e;
        }
        throw errors.translate(e, "starting bot '" + id + "'", id);
      }
      return null;
    });
  }

  void stop(String id, Duration grace) {
    lookup.withContainer(id, containerId -> {
      try {
        client.stopContainerCmd(containerId).withTimeout(seconds(grace)).exec();
      } catch (NotModifiedException e) {
        return null; // not running: a no-op, and not a stop on request
      } catch (RuntimeException e) {
        if (DockerErrors.isNotFound(e)) {
          throw e;
        }
        throw errors.translate(e, "stopping bot '" + id + "'", id);
      }
      InspectContainerResponse.ContainerState state = inspect(id, containerId).getState();
      if (state.getExitCodeLong() != null && state.getExitCodeLong() != 0) {
        files.markStopRequested(id, containerId, state.getStartedAt());
      }
      return null;
    });
  }

  /**
   * Removes the bot's container, sidecars and files. A remembered container id that Docker no longer
   * knows is looked up again by label, so a container another JVM re-created for the id is removed too.
   */
  void delete(String id) {
    Optional<String> containerId = lookup.find(id);
    if (containerId.isPresent()) {
      sidecars.removeAll(id);
    }
    while (containerId.isPresent()) {
      String current = containerId.get();
      boolean removed = removeContainer(id, current);
      lookup.forget(id, current);
      if (removed) {
        log.info("Deleted bot {} (container {})", id, shortId(current));
        break;
      }
      containerId = lookup.findByLabel(id).filter(again -> !again.equals(current));
    }
    files.delete(id);
  }

  /** Removes the container, stopping it gracefully first if it runs; false if Docker does not know it. */
  private boolean removeContainer(String id, String containerId) {
    try {
      client.removeContainerCmd(containerId).withRemoveVolumes(true).exec();
      return true;
    } catch (RuntimeException e) {
      if (DockerErrors.isConflict(e)) { // still running: stop it gracefully first
        stopQuietly(containerId);
        return removeForced(id, containerId);
      } else if (DockerErrors.isNotFound(e)) {
        return false;
      }
      throw errors.translate(e, "deleting bot '" + id + "'", null);
    }
  }

  BotStatus status(String id) {
    return lookup.withContainer(id, containerId -> statuses.map(id, inspect(id, containerId)));
  }

  InspectContainerResponse inspect(String id, String containerId) {
    try {
      return client.inspectContainerCmd(containerId).exec();
    } catch (RuntimeException e) {
      if (DockerErrors.isNotFound(e)) {
        throw e; // ContainerLookup looks the bot up again by label
      }
      throw errors.translate(e, "inspecting bot '" + id + "'", id);
    }
  }

  /** Maps an inspected container; for {@code list}, where the container may vanish meanwhile. */
  BotStatus map(String id, InspectContainerResponse container) {
    return statuses.map(id, container);
  }

  /**
   * Changes limits and restart policy in place. An image, env or config change, or a limit removed (Docker
   * cannot lift a limit of a container in place), recreates the container (see {@link #recreate}), which
   * removes the bot's sidecars.
   */
  BotStatus update(String id, BotUpdate update) {
    if (update.isEmpty() || lookup.find(id).isEmpty()) {
      return status(id); // BotNotFoundException for an unknown id
    }
    BotSpec current = files.readSpec(id).orElseThrow(() -> new RuntimeOperationException("Cannot update bot '"
        + id + "': its spec file in " + files.dir(id) + " is missing. Delete and create it again."));
    BotSpec next = update.applyTo(current);
    boolean recreates = update.image().isPresent() || update.env().isPresent() || update.config().isPresent();
    if (recreates || limitRemoved(current.resources(), next.resources())) {
      return recreate(id, next);
    }
    lookup.withContainer(id, containerId -> {
      Limits limits = Limits.of(next.resources());
      UpdateContainerCmd cmd = client.updateContainerCmd(containerId).withMemory(limits.memory())
          .withMemorySwap(limits.memory()).withNanoCPUs(limits.nanoCpus()).withPidsLimit(limits.pids());
      cmd.withRestartPolicy(ContainerFactory.restartPolicy(next.restartPolicy()));
      try {
        cmd.exec();
      } catch (RuntimeException e) {
        if (DockerErrors.isNotFound(e)) {
          throw e;
        }
        throw errors.translate(e, "updating bot '" + id + "'", id);
      }
      return null;
    });
    files.writeSpec(next);
    log.info("Updated bot {} in place", id);
    return status(id);
  }

  /**
   * Replaces the container. Everything that can fail (pull, materialise, create) happens first, under a
   * temporary name; only then is the old container removed and the new one renamed, so a failing recreate
   * leaves the old bot as it was. Sidecars shared the old container's network, so they are removed.
   */
  private BotStatus recreate(String id, BotSpec next) {
    BotStatus before = status(id);
    boolean wasRunning = before.state() == BotState.RUNNING;
    String old = before.runtimeId();
    for (String leftover : lookup.temporaries(id)) { // a replacement whose recreate died half-way
      removeForced(id, leftover);
      log.info("Removed container {}, left by an interrupted update of bot {}", shortId(leftover), id);
    }
    WorkloadCreator.Prepared prepared = creator.prepare(next, files, WORKDIR, false, Map.of(),
        creator.temporaryName(next));
    try {
      removeContainer(id, old);
    } catch (RuntimeException e) {
      creator.discard(next, prepared);
      throw e;
    }
    sidecars.removeAll(id);
    files.install(id, prepared.staging());
    lookup.forget(id, old);
    lookup.remember(id, prepared.containerId());
    creator.rename(next, prepared.containerId());
    if (wasRunning) {
      start(id);
    }
    log.info("Recreated bot {} with the updated spec (container {})", id, shortId(prepared.containerId()));
    return status(id);
  }

  private static boolean limitRemoved(Resources before, Resources after) {
    return (before.memoryBytes() > 0 && after.memoryBytes() == 0) || (before.cpuMillis() > 0 && after.cpuMillis() == 0)
        || (before.pids() > 0 && after.pids() == 0);
  }

  private void stopQuietly(String containerId) {
    try {
      client.stopContainerCmd(containerId).withTimeout(seconds(defaultGrace)).exec();
    } catch (RuntimeException e) {
      log.debug("Stopping container {} before removal failed: {}", containerId, DockerErrors.message(e));
    }
  }

  private boolean removeForced(String id, String containerId) {
    try {
      client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
      return true;
    } catch (RuntimeException e) {
      if (!DockerErrors.isGoneOrBeingRemoved(e)) {
        throw errors.translate(e, "deleting bot '" + id + "'", null);
      }
      return false;
    }
  }

  /** Docker takes whole seconds; a partial second is rounded up so the bot gets at least its grace. */
  static int seconds(Duration grace) {
    long millis = Math.max(0, grace.toMillis());
    return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
  }

  static String shortId(String containerId) {
    return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
  }
}
