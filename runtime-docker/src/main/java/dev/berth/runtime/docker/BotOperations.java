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
      DockerSidecarManager sidecars, Duration defaultGrace) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.lookup = lookup;
    this.files = files;
    this.statuses = new StatusMapper(files);
    this.creator = creator;
    this.sidecars = sidecars;
    this.defaultGrace = defaultGrace;
  }

  BotStatus create(BotSpec spec) {
    if (lookup.find(spec.id()).isPresent()) {
      throw new BotAlreadyExistsException(spec.id());
    }
    String containerId = creator.create(spec, files, lookup, WORKDIR, false, Map.of());
    lookup.remember(spec.id(), containerId);
    log.info("Created bot {} (container {})", spec.id(), shortId(containerId));
    return BotStatus.builder(spec.id()).state(BotState.CREATED).runtimeId(containerId).labels(spec.labels())
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

  void delete(String id) {
    lookup.find(id).ifPresent(containerId -> {
      sidecars.removeAll(id);
      try {
        client.removeContainerCmd(containerId).withRemoveVolumes(true).exec();
      } catch (RuntimeException e) {
        if (DockerErrors.isConflict(e)) { // still running: stop it gracefully first
          stopQuietly(containerId);
          removeForced(id, containerId);
        } else if (!DockerErrors.isNotFound(e)) {
          throw errors.translate(e, "deleting bot '" + id + "'", null);
        }
      }
      lookup.forget(id, containerId);
      log.info("Deleted bot {} (container {})", id, shortId(containerId));
    });
    files.delete(id);
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

  BotStatus update(String id, BotUpdate update) {
    if (update.isEmpty() || lookup.find(id).isEmpty()) {
      return status(id); // BotNotFoundException for an unknown id
    }
    BotSpec current = files.readSpec(id).orElseThrow(() -> new RuntimeOperationException("Cannot update bot '"
        + id + "': its spec file in " + files.dir(id) + " is missing. Delete and create it again."));
    BotSpec next = update.applyTo(current);
    if (update.requiresRecreate() || limitRemoved(current.resources(), next.resources())) {
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

  private BotStatus recreate(String id, BotSpec next) {
    BotStatus before = status(id);
    boolean wasRunning = before.state() == BotState.RUNNING;
    delete(id);
    create(next);
    if (wasRunning) {
      start(id);
    }
    log.info("Recreated bot {} with the updated spec", id);
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

  private void removeForced(String id, String containerId) {
    try {
      client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException e) {
      if (!DockerErrors.isNotFound(e)) {
        throw errors.translate(e, "deleting bot '" + id + "'", null);
      }
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
