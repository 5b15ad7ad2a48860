package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ProgressListener;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.core.CodeMaterializer;
import dev.berth.runtime.core.Entrypoints;
import dev.berth.runtime.core.InterpreterResolver;
import dev.berth.runtime.core.LaunchPlan;
import dev.berth.runtime.core.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the container of a bot or backtest: validates the Docker options, materialises the code into
 * the workload's workspace, writes the launcher, creates the container (pulling the image as the pull
 * policy says). Whatever a failed create made (workspace, container) is removed again.
 */
final class WorkloadCreator {
  private static final Logger log = LoggerFactory.getLogger(WorkloadCreator.class);

  private final DockerClient client;
  private final DockerErrors errors;
  private final ContainerFactory factory;
  private final DockerImageManager images;
  private final CodeMaterializer materializer;

  WorkloadCreator(DockerConnection connection, ContainerFactory factory, DockerImageManager images,
      CodeMaterializer materializer) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.factory = factory;
    this.images = images;
    this.materializer = materializer;
  }

  /**
   * Creates the container; the caller has checked that none exists for the id. The workspace is
   * materialised into a fresh directory and moved into place only once the container exists, so a create
   * that loses a race for the id (the container name is unique) never touches the winner's files.
   *
   * @param workdir where the workspace is mounted: {@code /bot} or {@code /backtest}
   * @param writable whether the workspace mount is writable
   * @return the container id
   */
  String create(WorkloadSpec spec, BotFiles files, ContainerLookup lookup, String workdir, boolean writable,
      Map<String, String> extraLabels) {
    WorkloadOptions options = WorkloadOptions.of(spec);
    if (spec.image().isBlank()) {
      throw new InvalidSpecException(spec.kind().equals("bot") ? "BotSpec" : "BacktestSpec",
          List.of("image: is empty; the docker runtime needs an image such as busybox:1.36"));
    }
    if (spec.pullPolicy() == PullPolicy.ALWAYS) {
      images.pull(spec.image(), spec.registryCredentials(), ProgressListener.NONE);
    }
    Path staging = files.staging(spec.id());
    String containerId = null;
    try {
      Workspace workspace = materializer.materialize(spec, staging.resolve(BotFiles.WORKSPACE));
      LaunchPlan plan = Entrypoints.plan(spec, workspace.root(), workdir, InterpreterResolver.container());
      if (spec instanceof BotSpec) {
        BotFiles.writeSpec(staging, (BotSpec) spec);
      }
      containerId = createContainer(spec, options, plan, files.workspace(spec.id()), writable, extraLabels,
          lookup);
      files.install(spec.id(), staging);
      log.debug("Created container {} for {} {}", containerId, spec.kind(), spec.id());
      return containerId;
    } catch (RuntimeException e) {
      rollback(spec, staging, containerId);
      throw e;
    }
  }

  private String createContainer(WorkloadSpec spec, WorkloadOptions options, LaunchPlan plan, Path workspace,
      boolean writable, Map<String, String> extraLabels, ContainerLookup lookup) {
    for (int attempt = 0; ; attempt++) {
      CreateContainerCmd cmd = factory.configure(client.createContainerCmd(spec.image()), spec, options, plan,
          workspace, writable, extraLabels);
      try {
        return cmd.exec().getId();
      } catch (RuntimeException e) {
        if (DockerErrors.isNotFound(e) && attempt == 0 && spec.pullPolicy() != PullPolicy.NEVER) {
          images.pull(spec.image(), spec.registryCredentials(), ProgressListener.NONE);
          continue;
        }
        if (DockerErrors.isNotFound(e)) {
          throw new InvalidSpecException(spec.kind().equals("bot") ? "BotSpec" : "BacktestSpec", List.of(
              "image: '" + spec.image() + "' is not present on the engine and the pull policy is NEVER; "
                  + "load or build it first, or use PullPolicy.IF_NOT_PRESENT"));
        }
        if (DockerErrors.isConflict(e)) {
          if (lookup.findByLabel(spec.id()).isPresent()) {
            throw new BotAlreadyExistsException(spec.id());
          }
          throw new RuntimeOperationException("Cannot create " + spec.kind() + " '" + spec.id() + "': a container "
              + "named " + factory.name(spec) + " exists that Berth does not manage. Remove or rename it.", e);
        }
        throw errors.translate(e, "creating the container of " + spec.kind() + " '" + spec.id() + "'", null);
      }
    }
  }

  private void rollback(WorkloadSpec spec, Path staging, String containerId) {
    if (containerId != null) {
      try {
        client.removeContainerCmd(containerId).withForce(true).exec();
      } catch (RuntimeException e) {
        log.warn("Rolling back {} {}: removing container {} failed: {}", spec.kind(), spec.id(), containerId,
            DockerErrors.message(e));
      }
    }
    try {
      Workspace.of(staging).close();
    } catch (RuntimeException e) {
      log.warn("Rolling back {} {}: removing {} failed: {}", spec.kind(), spec.id(), staging, e.getMessage());
    }
  }
}
