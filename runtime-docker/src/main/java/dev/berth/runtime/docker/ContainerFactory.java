package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.Resources;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.core.internal.LaunchPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps a spec onto Docker's container configuration, with secure defaults: an init process (so SIGTERM
 * reaches the workload), {@code no-new-privileges}, every capability dropped except the few ordinary
 * programs need ({@link #DEFAULT_CAPABILITIES}), and the spec's limits applied.
 */
final class ContainerFactory {
  /** What is left after dropping ALL: file ownership and permissions, user switching, kill, low ports. */
  static final List<Capability> DEFAULT_CAPABILITIES = List.of(Capability.CHOWN, Capability.DAC_OVERRIDE,
      Capability.FOWNER, Capability.FSETID, Capability.SETGID, Capability.SETUID, Capability.KILL,
      Capability.NET_BIND_SERVICE);

  private final DockerSettings settings;

  ContainerFactory(DockerSettings settings) {
    this.settings = settings;
  }

  /** Container name: readable in {@code docker ps}, unique per scope and kind; never used for lookups. */
  String name(WorkloadSpec spec) {
    return "berth-" + settings.scope() + (spec instanceof BotSpec ? "-" : "_backtest-") + spec.id();
  }

  /**
   * The name used when {@link #name} is taken by a container of another scope or not Berth's: names can
   * collide across scopes (scope {@code a} with id {@code b-c}, scope {@code a-b} with id {@code c}).
   */
  String disambiguatedName(WorkloadSpec spec) {
    return name(spec) + "-" + DockerEndpoint.sha256(settings.scope() + "/" + spec.id()).substring(0, 8);
  }

  String scope() {
    return settings.scope();
  }

  /**
   * Fills {@code cmd} for the spec.
   *
   * @param workspace the host directory mounted at the launch's working directory
   * @param writableWorkspace whether the workload may write there (backtests write their result)
   * @param extraLabels labels beyond {@link Labels#forWorkload}, e.g. a backtest's deadline
   */
  CreateContainerCmd configure(CreateContainerCmd cmd, WorkloadSpec spec, WorkloadOptions options, LaunchPlan launch,
      Path workspace, boolean writableWorkspace, Map<String, String> extraLabels) {
    Map<String, String> labels = new TreeMap<>(Labels.forWorkload(settings.scope(), spec));
    labels.putAll(extraLabels);
    List<String> command = launch.command();
    cmd.withName(name(spec)) // the caller may rename it (see disambiguatedName)
        .withLabels(labels)
        .withEnv(environment(launch))
        .withWorkingDir(launch.workingDirectory())
        .withEntrypoint(command.subList(0, 1))
        .withCmd(command.subList(1, command.size()));
    options.user().ifPresent(cmd::withUser);
    HostConfig host = HostConfig.newHostConfig()
        .withInit(options.init().orElse(settings.init()))
        .withSecurityOpts(List.of("no-new-privileges"))
        .withCapDrop(Capability.ALL)
        .withCapAdd(capabilities(options))
        .withReadonlyRootfs(options.readOnlyRootfs())
        .withBinds(binds(spec, workspace, launch.workingDirectory(), writableWorkspace));
    limits(host, spec.resources());
    options.cpuShares().ifPresent(host::withCpuShares);
    options.shmSizeBytes().ifPresent(host::withShmSize);
    if (!options.extraHosts().isEmpty()) {
      host.withExtraHosts(options.extraHosts().toArray(String[]::new));
    }
    networkMode(spec.networkMode()).ifPresent(host::withNetworkMode);
    if (spec instanceof BotSpec) {
      BotSpec bot = (BotSpec) spec;
      host.withRestartPolicy(restartPolicy(bot.restartPolicy()));
      ports(cmd, host, bot.ports());
    }
    return cmd.withHostConfig(host);
  }

  static void limits(HostConfig host, Resources resources) {
    Limits limits = Limits.of(resources);
    host.withMemory(limits.memory()).withMemorySwap(limits.memory()).withNanoCPUs(limits.nanoCpus())
        .withPidsLimit(limits.pids());
  }

  static RestartPolicy restartPolicy(dev.berth.runtime.RestartPolicy policy) {
    switch (policy.kind()) {
      case ALWAYS:
        return RestartPolicy.alwaysRestart();
      case ON_FAILURE:
        return RestartPolicy.onFailureRestart(policy.maxRetries());
      default:
        return RestartPolicy.noRestart();
    }
  }

  /** The launch plan's environment already holds the spec's env, BOT_ID and BOT_CONFIG. */
  private static List<String> environment(LaunchPlan launch) {
    List<String> list = new ArrayList<>(launch.environment().size());
    launch.environment().forEach((name, value) -> list.add(name + "=" + value));
    return list;
  }

  private static Capability[] capabilities(WorkloadOptions options) {
    List<Capability> caps = new ArrayList<>(DEFAULT_CAPABILITIES);
    List<String> problems = new ArrayList<>();
    for (String name : options.capAdd()) {
      try {
        Capability cap = Capability.valueOf(name.startsWith("CAP_") ? name.substring(4) : name);
        if (!caps.contains(cap)) {
          caps.add(cap);
        }
      } catch (IllegalArgumentException e) {
        problems.add("options: " + WorkloadOptions.CAP_ADD + " names unknown capability '" + name + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException("spec", problems);
    }
    return caps.toArray(Capability[]::new);
  }

  private static List<Bind> binds(WorkloadSpec spec, Path workspace, String target, boolean writable) {
    List<Bind> binds = new ArrayList<>();
    binds.add(new Bind(workspace.toString(), new Volume(target), writable ? AccessMode.rw : AccessMode.ro));
    for (Mount mount : spec.mounts()) {
      binds.add(new Bind(mount.source(), new Volume(mount.target()), AccessMode.fromBoolean(!mount.readOnly())));
    }
    return binds;
  }

  static java.util.Optional<String> networkMode(NetworkMode mode) {
    switch (mode.kind()) {
      case BRIDGE:
        return java.util.Optional.of("bridge");
      case HOST:
        return java.util.Optional.of("host");
      case NONE:
        return java.util.Optional.of("none");
      case NAMED:
        return java.util.Optional.of(mode.name());
      default:
        return java.util.Optional.empty();
    }
  }

  private static void ports(CreateContainerCmd cmd, HostConfig host, List<PortMapping> ports) {
    if (ports.isEmpty()) {
      return;
    }
    List<ExposedPort> exposed = new ArrayList<>();
    Ports bindings = new Ports();
    for (PortMapping port : ports) {
      ExposedPort exposedPort = new ExposedPort(port.containerPort(), InternetProtocol.parse(port.protocol().label()));
      exposed.add(exposedPort);
      bindings.bind(exposedPort, port.hostPort() == 0 ? Ports.Binding.empty()
          : Ports.Binding.bindPort(port.hostPort()));
    }
    cmd.withExposedPorts(exposed);
    host.withPortBindings(bindings);
  }
}
