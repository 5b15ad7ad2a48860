package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Container;
import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ProgressListener;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.Entrypoints;
import dev.berth.runtime.core.internal.InterpreterResolver;
import dev.berth.runtime.core.internal.LaunchPlan;
import dev.berth.runtime.core.internal.Workspace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the container of a bot or backtest: validates the Docker options, materialises the code into
 * the workload's workspace, writes the launcher, creates the container (pulling the image as the pull
 * policy says). Whatever a failed create made (workspace, container) is removed again.
 */
final class WorkloadCreator {
  private static final Logger log = LoggerFactory.getLogger(WorkloadCreator.class);
  private static final String TEMPORARY = "-next-";
  private static final Pattern TEMPORARY_NAME = Pattern.compile(".*" + TEMPORARY + "[0-9a-f]{8}");

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

  /** A created container whose workspace is still being staged; {@code files.install} puts it in place. */
  record Prepared(String containerId, Path staging) {}

  /**
   * Creates the container; the caller has checked that none exists for the id. The workspace is
   * materialised into a fresh directory and moved into place only once the container exists, so a create
   * that loses a race for the id (the container name is unique) never touches the winner's files.
   *
   * @param workdir where the workspace is mounted: {@code /bot} or {@code /backtest}
   * @param writable whether the workspace mount is writable
   * @return the container id
   */
  String create(WorkloadSpec spec, BotFiles files, String workdir, boolean writable,
      Map<String, String> extraLabels) {
    Prepared prepared = prepare(spec, files, workdir, writable, extraLabels, null);
    try {
      files.install(spec.id(), prepared.staging());
    } catch (RuntimeException e) {
      discard(spec, prepared);
      throw e;
    }
    log.debug("Created container {} for {} {}", prepared.containerId(), spec.kind(), spec.id());
    return prepared.containerId();
  }

  /**
   * Does every step of a create that can fail (pull, materialise, create the container) without touching
   * the workload's current directory, so a recreate can still give up and leave the old workload as it was.
   *
   * @param temporaryName the container's name, or null for the documented one
   */
  Prepared prepare(WorkloadSpec spec, BotFiles files, String workdir, boolean writable,
      Map<String, String> extraLabels, String temporaryName) {
    WorkloadOptions options = WorkloadOptions.of(spec);
    if (spec.image().isBlank()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(),
          List.of("image: is empty; the docker runtime needs an image such as busybox:1.36"));
    }
    if (spec.pullPolicy() == PullPolicy.ALWAYS) {
      images.pull(spec.image(), spec.registryCredentials(), ProgressListener.NONE);
    }
    Path staging = files.staging(spec.id());
    try {
      Workspace workspace = materializer.materialize(spec, staging.resolve(BotFiles.WORKSPACE));
      LaunchPlan plan = Entrypoints.plan(spec, workspace.root(), workdir, InterpreterResolver.container());
      if (spec instanceof BotSpec) {
        BotFiles.writeSpec(staging, (BotSpec) spec);
      }
      return new Prepared(createContainer(spec, options, plan, files.workspace(spec.id()), writable, extraLabels,
          temporaryName), staging);
    } catch (RuntimeException e) {
      rollback(spec, staging, null);
      throw e;
    }
  }

  /** Removes what {@link #prepare} made. */
  void discard(WorkloadSpec spec, Prepared prepared) {
    rollback(spec, prepared.staging(), prepared.containerId());
  }

  /** A name for a container that replaces the workload's current one until {@link #rename} runs. */
  String temporaryName(WorkloadSpec spec) {
    return factory.name(spec) + TEMPORARY + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Whether the container still has a temporary name: the replacement of a recreate that has not removed the
   * old container yet, or of one whose JVM died before it did. Until it is renamed, the old container is the
   * workload.
   */
  static boolean isTemporary(Container container) {
    String[] names = container.getNames();
    return names != null && Arrays.stream(names).anyMatch(name -> TEMPORARY_NAME.matcher(name).matches());
  }

  /** Gives a replacement container the workload's documented name; lookups go by label, so a failure only logs. */
  void rename(WorkloadSpec spec, String containerId) {
    for (String name : List.of(factory.name(spec), factory.disambiguatedName(spec))) {
      try {
        client.renameContainerCmd(containerId).withName(name).exec();
        return;
      } catch (RuntimeException e) {
        if (!DockerErrors.isConflict(e)) {
          log.warn("Renaming container {} of {} {} to {} failed: {}", containerId, spec.kind(), spec.id(), name,
              DockerErrors.message(e));
          return;
        }
      }
    }
    log.warn("Container {} of {} {} keeps a temporary name: both of its names are taken", containerId, spec.kind(),
        spec.id());
  }

  private String createContainer(WorkloadSpec spec, WorkloadOptions options, LaunchPlan plan, Path workspace,
      boolean writable, Map<String, String> extraLabels, String temporaryName) {
    String name = temporaryName != null ? temporaryName : factory.name(spec);
    boolean renamed = temporaryName != null; // a temporary name is never disambiguated
    boolean pulled = false;
    while (true) {
      CreateContainerCmd cmd = factory.configure(client.createContainerCmd(spec.image()), spec, options, plan,
          workspace, writable, extraLabels).withName(name);
      try {
        return cmd.exec().getId();
      } catch (RuntimeException e) {
        if (DockerErrors.isNotFound(e) && isMissingImage(e)) {
          if (!pulled && spec.pullPolicy() != PullPolicy.NEVER) {
            images.pull(spec.image(), spec.registryCredentials(), ProgressListener.NONE);
            pulled = true;
            continue;
          }
          throw new InvalidSpecException(spec.getClass().getSimpleName(), List.of(
              "image: '" + spec.image() + "' is not present on the engine and the pull policy is NEVER; "
                  + "load or build it first, or use PullPolicy.IF_NOT_PRESENT"));
        }
        if (DockerErrors.isNotFound(e)) {
          throw new RuntimeOperationException("Cannot create " + spec.kind() + " '" + spec.id() + "': Docker says "
              + DockerErrors.message(e) + ". Create what it names as missing, or fix the spec.", e);
        }
        if (DockerErrors.isConflict(e)) {
          if (isOurs(name, spec)) {
            throw spec.kind() == WorkloadKind.BOT ? new BotAlreadyExistsException(spec.id(), factory.scope())
                : new BacktestAlreadyExistsException(spec.id(), factory.scope());
          }
          if (!renamed) { // another scope's (berth-a + b-c vs berth-a-b + c) or a foreign container
            name = factory.disambiguatedName(spec);
            renamed = true;
            continue;
          }
          throw new RuntimeOperationException("Cannot create " + spec.kind() + " '" + spec.id() + "': a container "
              + "named " + name + " exists that this scope does not manage. Remove or rename it.", e);
        }
        throw errors.translate(e, "creating the container of " + spec.kind() + " '" + spec.id() + "'", null);
      }
    }
  }

  /** Whether the container holding {@code name} is this scope's container of the same workload. */
  private boolean isOurs(String name, WorkloadSpec spec) {
    try {
      Map<String, String> labels = client.inspectContainerCmd(name).exec().getConfig().getLabels();
      return labels != null && labels.entrySet().containsAll(
          Labels.selector(factory.scope(), spec.kind().label(), spec.id()).entrySet());
    } catch (RuntimeException e) {
      return false; // removed meanwhile: not ours
    }
  }

  private static boolean isMissingImage(RuntimeException e) {
    return DockerErrors.message(e).toLowerCase(java.util.Locale.ROOT).contains("no such image");
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
