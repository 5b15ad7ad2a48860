package dev.berth.runtime.apple;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.ProgressListener;
import dev.berth.runtime.PullPolicy;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.UnsupportedFeatureException;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.Entrypoints;
import dev.berth.runtime.core.internal.InterpreterResolver;
import dev.berth.runtime.core.internal.LaunchPlan;
import dev.berth.runtime.core.internal.Workspace;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the container of a bot or backtest: checks what Apple's CLI cannot do before anything is made,
 * materialises the code into the container's own directory, writes the launcher and the env file, and runs
 * {@code container create} (which pulls a missing image). A failed create leaves nothing behind.
 */
final class WorkloadCreator {
  private static final Logger log = LoggerFactory.getLogger(WorkloadCreator.class);

  private final String scope;
  private final Cli cli;
  private final Duration pullTimeout;
  private final CodeMaterializer materializer;
  private final AppleImageManager images;
  private final BooleanSupplier networks;

  WorkloadCreator(String scope, Cli cli, Duration pullTimeout, CodeMaterializer materializer,
      AppleImageManager images, BooleanSupplier networks) {
    this.scope = scope;
    this.cli = cli;
    this.pullTimeout = pullTimeout;
    this.materializer = materializer;
    this.images = images;
    this.networks = networks;
  }

  /** The checks that need no container: options, image, labels, ports, network, restart policy. */
  WorkloadOptions validate(WorkloadSpec spec) {
    WorkloadOptions options = WorkloadOptions.of(spec);
    List<String> problems = new ArrayList<>(Names.labelProblems(spec.labels()));
    if (spec.image().isBlank()) {
      problems.add("image: is empty; the apple runtime needs an image such as docker.io/library/busybox:1.36");
    } else if (spec.image().startsWith("-")) {
      problems.add("image: '" + spec.image() + "' starts with '-'; give an image reference");
    }
    for (Mount mount : spec.mounts()) {
      if (mount.source().contains(":") || mount.target().contains(":")) {
        problems.add("mounts: '" + mount.source() + "' -> '" + mount.target() + "' contains ':', which the "
            + "container CLI's --volume syntax cannot carry");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), problems);
    }
    if (spec instanceof BotSpec && ((BotSpec) spec).restartPolicy().kind() != RestartPolicy.Kind.NEVER) {
      throw new UnsupportedFeatureException("Restart policy " + ((BotSpec) spec).restartPolicy() + " is not "
          + "available on the 'apple' runtime: Apple's container CLI restarts nothing by itself. Use "
          + "RestartPolicy.NEVER and let a Reconciler restart crashed bots.");
    }
    NetworkMode network = spec.networkMode();
    switch (network.kind()) {
      case DEFAULT:
      case BRIDGE:
        break;
      case NAMED:
        if (!networks.getAsBoolean()) {
          throw new UnsupportedFeatureException("Network mode " + network + " needs `container network`, which "
              + "this container CLI does not offer (macOS 26 and container 1.x have it).");
        }
        break;
      default:
        throw new UnsupportedFeatureException("Network mode " + network.kind() + " is not available on the "
            + "'apple' runtime: each container is a VM on the default (NAT) network or a named one.");
    }
    if (spec.registryCredentials().isPresent()) {
      throw new UnsupportedFeatureException("Registry credentials in the spec are not supported by the 'apple' "
          + "runtime: the container CLI takes them from the keychain. Run `container registry login <registry>` "
          + "once on the Mac and leave them out of the spec.");
    }
    return options;
  }

  /**
   * Creates container {@code name} for the spec, its files in {@code files}; the caller has checked that
   * the workload has no container yet.
   *
   * @param workdir where the workspace is mounted: {@code /bot} or {@code /backtest}
   * @param writable whether the workspace mount is writable
   * @param extraLabels labels beyond Berth's own, e.g. a backtest's deadline
   */
  void create(WorkloadSpec spec, WorkloadFiles files, String name, String workdir, boolean writable,
      Map<String, String> extraLabels) {
    WorkloadOptions options = validate(spec);
    List<String> problems = Names.labelProblems(extraLabels);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), problems);
    }
    pull(spec);
    Path dir = files.prepare(spec.id(), name);
    Path envFile = null;
    try {
      Workspace workspace = materializer.materialize(spec, dir.resolve(WorkloadFiles.WORKSPACE));
      LaunchPlan plan = Entrypoints.plan(spec, workspace.root(), workdir, InterpreterResolver.container());
      Map<String, String> fileEnv = new TreeMap<>();
      Map<String, String> inlineEnv = new TreeMap<>();
      plan.environment().forEach((key, value) -> (CreateArgs.needsInline(value) ? inlineEnv : fileEnv)
          .put(key, value));
      envFile = fileEnv.isEmpty() ? null : files.writeEnvFile(spec.id(), name, fileEnv);
      memoryNote(spec);
      CreateArgs args = new CreateArgs(name, spec.image(), Names.labels(scope, spec, extraLabels),
          Optional.ofNullable(envFile), inlineEnv, workdir, workspace.root(), writable,
          dir.resolve(WorkloadFiles.STATE), spec.mounts(), spec.resources(), spec.networkMode(),
          spec instanceof BotSpec ? hostPorts(((BotSpec) spec).ports()) : List.of(), options, plan.command());
      Cli.Result result = cli.run(args.argv(), pullTimeout);
      if (!result.ok()) {
        throw failure(spec, result);
      }
      log.debug("Created container {} for {} {}", name, spec.kind(), spec.id());
    } catch (RuntimeException e) {
      files.deleteContainer(spec.id(), name);
      throw e;
    } finally {
      if (envFile != null) {
        files.deleteQuietly(envFile); // the CLI read it at create; secrets need not stay on disk
      }
    }
  }

  /**
   * The ports with a host port for each: the CLI publishes fixed host ports only, so where the spec lets the
   * runtime choose (host port 0) a port free on this Mac now is chosen.
   */
  static List<PortMapping> hostPorts(List<PortMapping> ports) {
    List<PortMapping> chosen = new ArrayList<>(ports.size());
    for (PortMapping port : ports) {
      chosen.add(port.hostPort() != 0 ? port
          : new PortMapping(port.containerPort(), freePort(port.protocol()), port.protocol()));
    }
    return chosen;
  }

  private static int freePort(PortMapping.Protocol protocol) {
    try {
      if (protocol == PortMapping.Protocol.UDP) {
        try (DatagramSocket socket = new DatagramSocket(0)) {
          return socket.getLocalPort();
        }
      }
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new RuntimeOperationException("No free " + protocol.label() + " port on this Mac to publish on: "
          + e.getMessage(), e);
    }
  }

  private RuntimeException failure(WorkloadSpec spec, Cli.Result result) {
    String action = "creating the container of " + spec.kind() + " '" + spec.id() + "'";
    if (AppleErrors.isExists(result)) {
      return AppleErrors.translate(result, action, spec.kind(), spec.id(), scope);
    }
    if (AppleErrors.isInvalidArgument(result)) {
      return AppleErrors.invalidSpec(result, spec.getClass().getSimpleName(), action);
    }
    if (AppleErrors.isNotFound(result)) {
      return new RuntimeOperationException("Cannot create " + spec.kind() + " '" + spec.id() + "': the container "
          + "CLI says " + AppleErrors.describe(AppleErrors.parse(result)) + ". Check the image reference and "
          + "that what it names exists.");
    }
    return AppleErrors.translate(result, action);
  }

  private void pull(WorkloadSpec spec) {
    if (spec.pullPolicy() == PullPolicy.ALWAYS) {
      images.pull(spec.image(), ProgressListener.NONE);
    } else if (spec.pullPolicy() == PullPolicy.NEVER && !images.exists(spec.image())) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), List.of("image: '" + spec.image()
          + "' is not present and the pull policy is NEVER; pull it first (`container image pull`) or use "
          + "PullPolicy.IF_NOT_PRESENT"));
    }
  }

  private static void memoryNote(WorkloadSpec spec) {
    long bytes = spec.resources().memoryBytes();
    if (bytes > 0 && bytes < CreateArgs.MIN_MEMORY_MIB * 1024 * 1024) {
      log.warn("{} {} asks for {} bytes of memory; Apple's VMs need at least {} MiB, so it gets that", spec.kind(),
          spec.id(), bytes, CreateArgs.MIN_MEMORY_MIB);
    }
  }
}
