package dev.berth.runtime.apple;

import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.Resources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The argument list of {@code container create} for one workload: pure data in, argv out, so the exact call
 * is pinned by golden tests. The container starts {@link Wrapper}, which runs the launch command.
 *
 * @param name the container's name (its id)
 * @param image the image reference
 * @param labels every label, Berth's included
 * @param envFile the file holding the single-line variables, when there are any
 * @param inlineEnv variables the env file cannot carry (values with line breaks), passed as {@code --env}
 * @param workdir where the workspace is mounted and the workload starts
 * @param workspace the host directory mounted at {@code workdir}
 * @param writableWorkspace whether the workload may write there (backtests write their result)
 * @param stateDir the host directory mounted at {@value Wrapper#STATE_DIR}
 * @param mounts the spec's extra bind mounts
 * @param resources the spec's limits
 * @param network the network mode; only a named network adds an argument
 * @param ports ports to publish
 * @param options the spec's {@code apple.*} options
 * @param command the launch command
 */
record CreateArgs(String name, String image, Map<String, String> labels, Optional<Path> envFile,
    Map<String, String> inlineEnv, String workdir, Path workspace, boolean writableWorkspace, Path stateDir,
    List<Mount> mounts, Resources resources, NetworkMode network, List<PortMapping> ports, WorkloadOptions options,
    List<String> command) {

  /** The smallest VM Apple's service accepts ({@code minimum memory amount allowed is 200 MiB}). */
  static final long MIN_MEMORY_MIB = 200;
  private static final long MIB = 1024L * 1024;

  CreateArgs {
    labels = new TreeMap<>(labels);
    inlineEnv = new TreeMap<>(inlineEnv);
    mounts = List.copyOf(mounts);
    ports = List.copyOf(ports);
    command = List.copyOf(command);
  }

  /** {@code create --name ... IMAGE -c <wrapper> berth-wrapper /berth <command...>}. */
  List<String> argv() {
    List<String> args = new ArrayList<>();
    args.add("create");
    args.add("--name");
    args.add(name);
    labels.forEach((key, value) -> {
      args.add("--label");
      args.add(key + "=" + value);
    });
    envFile.ifPresent(file -> {
      args.add("--env-file");
      args.add(file.toString());
    });
    inlineEnv.forEach((key, value) -> {
      args.add("--env");
      args.add(key + "=" + value);
    });
    args.add("--workdir");
    args.add(workdir);
    args.add("--volume");
    args.add(workspace + ":" + workdir + (writableWorkspace ? "" : ":ro"));
    args.add("--volume");
    args.add(stateDir + ":" + Wrapper.STATE_DIR);
    for (Mount mount : mounts) {
      args.add("--volume");
      args.add(mount.source() + ":" + mount.target() + (mount.readOnly() ? ":ro" : ""));
    }
    cpus(resources).ifPresent(cpus -> {
      args.add("--cpus");
      args.add(Long.toString(cpus));
    });
    memoryMib(resources).ifPresent(mib -> {
      args.add("--memory");
      args.add(mib + "M");
    });
    if (network.kind() == NetworkMode.Kind.NAMED) {
      args.add("--network");
      args.add(network.name());
    }
    for (PortMapping port : ports) {
      args.add("--publish");
      args.add(port.hostPort() + ":" + port.containerPort() + "/" + port.protocol().label());
    }
    options.user().ifPresent(user -> {
      args.add("--user");
      args.add(user);
    });
    if (options.readOnlyRootfs()) {
      args.add("--read-only");
    }
    options.capAdd().forEach(cap -> {
      args.add("--cap-add");
      args.add(cap);
    });
    options.capDrop().forEach(cap -> {
      args.add("--cap-drop");
      args.add(cap);
    });
    args.add("--entrypoint");
    args.add(Wrapper.SHELL);
    args.add(image);
    args.addAll(Wrapper.arguments(command));
    return args;
  }

  /** Whole CPUs (the CLI takes no fractions): millicores rounded up; empty for no limit. */
  static Optional<Long> cpus(Resources resources) {
    long millis = resources.cpuMillis();
    return millis <= 0 ? Optional.empty() : Optional.of(Math.max(1, (millis + 999) / 1000));
  }

  /** The VM's memory in MiB, rounded up and raised to the service's minimum; empty for the default (1 GiB). */
  static Optional<Long> memoryMib(Resources resources) {
    long bytes = resources.memoryBytes();
    return bytes <= 0 ? Optional.empty() : Optional.of(Math.max(MIN_MEMORY_MIB, (bytes + MIB - 1) / MIB));
  }

  /** Whether the env file cannot hold {@code value}: the CLI splits it into lines at every line break. */
  static boolean needsInline(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c >= '\n' && c <= '\r') || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return true;
      }
    }
    return false;
  }
}
