package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.SidecarManager;
import dev.berth.runtime.WorkloadKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sidecars share the bot's network namespace ({@code network_mode container:<bot>}), so the bot reaches
 * them on {@code localhost} and they have its address. They carry the bot's {@code berth.id} and
 * {@code berth.kind=sidecar}; deleting the bot removes them. A marker directory in the bot's files says
 * whether the bot has any, so deleting a bot without sidecars costs no extra request.
 */
final class DockerSidecarManager implements SidecarManager {
  private static final Logger log = LoggerFactory.getLogger(DockerSidecarManager.class);

  private final DockerClient client;
  private final DockerErrors errors;
  private final String scope;
  private final ContainerLookup bots;
  private final ContainerLookup sidecars;
  private final BotFiles files;
  private final Function<String, Optional<String>> botAddress;

  DockerSidecarManager(DockerConnection connection, String scope, ContainerLookup bots, BotFiles files,
      Function<String, Optional<String>> botAddress) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.scope = scope;
    this.bots = bots;
    this.sidecars = new ContainerLookup(connection, scope, Labels.KIND_SIDECAR);
    this.files = files;
    this.botAddress = botAddress;
  }

  @Override
  public Sidecar start(String botId, SidecarSpec spec) {
    String botContainer = bots.find(WorkloadKind.BOT.requireValidId(botId))
        .orElseThrow(() -> new BotNotFoundException(botId, scope));
    if (find(botId, spec.name()).isPresent()) {
      throw new RuntimeOperationException("Bot '" + botId + "' already has a sidecar named '" + spec.name()
          + "'. Remove it first or pick another name.");
    }
    marker(botId, spec.name(), true);
    Map<String, String> labels = new TreeMap<>(Labels.selector(scope, Labels.KIND_SIDECAR, botId));
    labels.put(Labels.SIDECAR, spec.name());
    List<String> env = new ArrayList<>();
    spec.env().forEach((k, v) -> env.add(k + "=" + v));
    String id = null;
    try {
      CreateContainerCmd cmd = client.createContainerCmd(spec.image())
          .withLabels(labels)
          .withEnv(env)
          .withHostConfig(HostConfig.newHostConfig()
              .withInit(true)
              .withNetworkMode("container:" + botContainer)
              .withSecurityOpts(List.of("no-new-privileges"))
              .withCapDrop(Capability.ALL)
              .withCapAdd(ContainerFactory.DEFAULT_CAPABILITIES.toArray(Capability[]::new)));
      if (!spec.command().isEmpty()) {
        cmd.withCmd(spec.command());
      }
      String name = "berth-" + scope + "-" + botId + "_" + spec.name();
      try {
        id = cmd.withName(name).exec().getId();
      } catch (RuntimeException e) {
        if (!DockerErrors.isConflict(e)) {
          throw e;
        }
        // the name is another scope's (names collide across scopes) or not Berth's: lookups go by label
        id = cmd.withName(name + "-" + DockerEndpoint.sha256(scope + "/" + botId).substring(0, 8)).exec().getId();
      }
      client.startContainerCmd(id).exec();
      log.info("Started sidecar {} of bot {}", spec.name(), botId);
      return inspect(botId, spec.name());
    } catch (RuntimeException e) {
      if (id != null) {
        removeContainer(id);
      }
      marker(botId, spec.name(), false);
      if (e instanceof BotNotFoundException) {
        throw e;
      }
      throw new RuntimeOperationException("Starting sidecar '" + spec.name() + "' of bot '" + botId
          + "' failed: " + DockerErrors.message(e) + ". The bot must be running and the image present.", e);
    }
  }

  @Override
  public Sidecar inspect(String botId, String name) {
    bots.find(WorkloadKind.BOT.requireValidId(botId)).orElseThrow(() -> new BotNotFoundException(botId, scope));
    String id = find(botId, name).orElseThrow(() -> new BotNotFoundException(botId, scope, "Bot '" + botId
        + "' has no sidecar named '" + name + "'. Start it with SidecarManager.start."));
    try {
      InspectContainerResponse container = client.inspectContainerCmd(id).exec();
      return new Sidecar(botId, name, state(container), id, botAddress.apply(botId));
    } catch (RuntimeException e) {
      throw errors.translate(e, "inspecting sidecar '" + name + "' of bot '" + botId + "'", botId);
    }
  }

  @Override
  public List<Sidecar> list(String botId) {
    return sidecars.all(Map.of(Labels.ID, botId)).stream()
        .map(c -> c.getLabels().get(Labels.SIDECAR))
        .map(name -> inspect(botId, name))
        .toList();
  }

  @Override
  public void remove(String botId, String name) {
    find(botId, name).ifPresent(this::removeContainer);
    marker(botId, name, false);
  }

  /** Removes every sidecar of the bot; called when the bot is deleted. */
  void removeAll(String botId) {
    if (!Files.isDirectory(markerDir(botId))) {
      return;
    }
    for (Container container : sidecars.all(Map.of(Labels.ID, botId))) {
      removeContainer(container.getId());
    }
  }

  private Optional<String> find(String botId, String name) {
    return sidecars.all(Map.of(Labels.ID, botId, Labels.SIDECAR, name)).stream().map(Container::getId).findFirst();
  }

  private void removeContainer(String id) {
    try {
      client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException e) {
      if (!DockerErrors.isGoneOrBeingRemoved(e)) {
        throw errors.translate(e, "removing sidecar container " + id, null);
      }
    }
  }

  private static BotState state(InspectContainerResponse container) {
    String status = String.valueOf(container.getState().getStatus());
    switch (status) {
      case "running":
      case "restarting":
        return BotState.RUNNING;
      case "created":
        return BotState.CREATED;
      case "exited":
      case "dead":
        Long code = container.getState().getExitCodeLong();
        return code != null && code == 0 ? BotState.STOPPED : BotState.FAILED;
      default:
        return BotState.UNKNOWN;
    }
  }

  private Path markerDir(String botId) {
    return files.dir(botId).resolve("sidecars");
  }

  private void marker(String botId, String name, boolean present) {
    Path file = markerDir(botId).resolve(name);
    try {
      if (present) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, name);
      } else {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot record sidecar '" + name + "' of bot '" + botId + "' in "
          + file.getParent() + ": " + e.getMessage() + ". Check that docker.work-dir is writable.", e);
    }
  }
}
