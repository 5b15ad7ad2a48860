package dev.berth.runtime.apple;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.Feature;
import dev.berth.runtime.Health;
import dev.berth.runtime.ImageManager;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.internal.IdLocks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Bots as containers of Apple's {@code container} CLI (macOS 26+; each container is a lightweight VM), driven
 * with argument lists, never a shell. Containers carry Berth's labels ({@code berth.managed},
 * {@code berth.scope}, {@code berth.id}, {@code berth.kind}) and are found by them, so a new JVM manages
 * what an earlier one created and other scopes' or people's containers are never touched.
 *
 * <pre>{@code
 * try (Runtime apple = AppleRuntime.builder().scope("research").build()) {
 *   apple.create(BotSpec.builder("ticker").image("docker.io/library/python:3.12-slim")
 *       .command("python3", "-u", "ticker.py").build());
 *   apple.start("ticker");
 * }
 * }</pre>
 *
 * <p>What the CLI lacks, Berth adds: every container starts a generated wrapper ({@code /bin/sh} in the image)
 * that records the exit code and finish time in a bind-mounted state directory and tags each output line
 * with its stream and second; {@code restart} is stop then start; an update recreates the container. The
 * workspace is mounted read-only at {@code /bot}. No restart policies, no OOM detection, no pids limit,
 * memory of at least 200 MiB per VM, and CPUs in whole numbers; see the module's README for the rest.
 * After {@link #close()} every call but {@code close()}, {@code type()} and {@code health()} throws
 * {@link RuntimeClosedException}.
 */
public final class AppleRuntime implements Runtime {
  private final AppleSettings settings;
  private final Cli cli;
  private final Containers containers;
  private final WorkloadFiles files;
  private final StatusMapper statuses;
  private final BotOperations operations;
  private final FollowWatch follows;
  private final BooleanSupplier networks;
  private final AppleImageManager images;
  private final AppleExecManager exec;
  private final IdLocks locks = new IdLocks();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile String hostAddress;

  AppleRuntime(AppleBuilder.Parts parts) {
    this.settings = parts.settings();
    this.cli = parts.cli();
    this.containers = new Containers(cli, settings.scope(), WorkloadKind.BOT);
    this.files = new WorkloadFiles(settings.scopeDir(), WorkloadKind.BOT);
    this.statuses = new StatusMapper(files, (id, container, lines) -> logsOf(id, container)
        .read(LogOptions.tail(lines)));
    this.operations = new BotOperations(containers, files, statuses, parts.creator(), settings.stopGrace());
    this.follows = new FollowWatch("berth-apple-follows-" + settings.scope());
    this.networks = parts.networks();
    this.images = parts.images();
    this.exec = new AppleExecManager(containers, this::requireOpen);
  }

  /**
   * A builder; unset settings come from the config, then the defaults.
   *
   * @return a new builder
   */
  public static AppleBuilder<AppleRuntime> builder() {
    return new AppleBuilder<>(AppleRuntime::new);
  }

  /**
   * A runtime configured by {@code apple.*} and the common keys ({@code scope}, {@code stop-grace},
   * {@code store.*}); the same as {@code builder().config(config).build()}.
   *
   * @param config the settings
   * @return the runtime
   * @throws dev.berth.runtime.InvalidConfigException for an unknown or malformed key
   */
  public static AppleRuntime fromConfig(RuntimeConfig config) {
    return builder().config(config).build();
  }

  @Override
  public String type() {
    return AppleRuntimeProvider.TYPE;
  }

  @Override
  public BotStatus create(BotSpec spec) {
    requireOpen();
    return locks.with(spec.id(), () -> operations.create(spec));
  }

  @Override
  public void start(String botId) {
    requireOpen(botId);
    locks.run(botId, () -> operations.start(botId));
  }

  @Override
  public void stop(String botId, Duration grace) {
    requireOpen(botId);
    locks.run(botId, () -> operations.stop(botId, grace));
  }

  /** Stops with the configured grace ({@code stop-grace} or the builder's {@code stopGrace}, default 10s). */
  @Override
  public void stop(String botId) {
    stop(botId, settings.stopGrace());
  }

  /** Stop with the configured grace, then start: the CLI has no restart. */
  @Override
  public void restart(String botId) {
    requireOpen(botId);
    locks.run(botId, () -> {
      operations.stop(botId, settings.stopGrace());
      operations.start(botId);
    });
  }

  @Override
  public void delete(String botId) {
    requireOpen(botId);
    locks.run(botId, () -> operations.delete(botId));
  }

  @Override
  public BotStatus status(String botId) {
    requireOpen(botId);
    return operations.status(botId);
  }

  /** The VM's IPv4 address on its first network while it runs; empty when it does not. */
  @Override
  public Optional<String> address(String botId) {
    requireOpen(botId);
    ContainerInfo container = containers.require(botId);
    return container.active() ? container.address() : Optional.empty();
  }

  /**
   * How a VM reaches this Mac: {@code apple.host-address} when set, else the gateway of the default network
   * (or of a running container's network), else {@code 192.168.64.1}, vmnet's usual gateway.
   */
  @Override
  public String hostAddress() {
    requireOpen();
    String known = hostAddress;
    if (known == null) {
      known = settings.hostAddress().or(() -> AppleNetworkManager.gateway(cli, "default"))
          .or(() -> containers.all().stream().filter(ContainerInfo::active).map(ContainerInfo::gateway)
              .flatMap(Optional::stream).findFirst())
          .orElse("192.168.64.1");
      hostAddress = known;
    }
    return known;
  }

  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    requireOpen(botId);
    ContainerLogs logs = logsOf(botId, containers.require(botId));
    return options.follow() ? follows.open(logs, options) : logs.read(options).stream();
  }

  private ContainerLogs logsOf(String botId, ContainerInfo container) {
    return new ContainerLogs(containers, files, botId, container);
  }

  /** Every update recreates the container (see {@link BotOperations#update}); its logs start empty. */
  @Override
  public BotStatus update(String botId, BotUpdate update) {
    requireOpen(botId);
    return locks.with(botId, () -> operations.update(botId, update));
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    requireOpen();
    List<BotStatus> statuses = new ArrayList<>();
    long before = locks.released();
    List<ContainerInfo> listed = containers.onePerWorkload(containers.all());
    boolean changed = locks.released() != before;
    for (ContainerInfo container : listed) {
      String botId = container.labels().get(Names.ID);
      if (botId != null && WorkloadKind.isValidId(botId)) {
        // a bot with a call running, or any bot while a call ended during the listing, may be listed
        // halfway through that call (an update recreates the container): read it again behind its lock
        Optional<ContainerInfo> current = changed || locks.busy(botId)
            ? locks.with(botId, () -> containers.find(botId)) : Optional.of(container);
        if (current.isEmpty()) {
          continue;
        }
        BotStatus status = this.statuses.map(botId, current.get());
        if (filter.matches(status)) {
          statuses.add(status);
        }
      }
    }
    statuses.sort(Comparator.comparing(BotStatus::id));
    return statuses;
  }

  /** Whether the container service answers now; never throws. A closed runtime is unhealthy. */
  @Override
  public Health health() {
    if (closed.get()) {
      return Health.unhealthy("closed: this apple runtime (scope '" + settings.scope() + "') was closed; create a "
          + "new one");
    }
    return SystemStatus.health(cli);
  }

  /**
   * Memory (the VM's size) and CPUs are enforced; no pids limit, no OOM detection, no restart policy but
   * NEVER; the default network, and named ones where the CLI has {@code container network}.
   */
  @Override
  public Capabilities capabilities() {
    requireOpen();
    EnumSet<NetworkMode.Kind> modes = EnumSet.of(NetworkMode.Kind.DEFAULT, NetworkMode.Kind.BRIDGE);
    if (networks.getAsBoolean()) {
      modes.add(NetworkMode.Kind.NAMED);
    }
    return Capabilities.builder().enforcesMemoryLimit(true).enforcesCpuLimit(true).enforcesPidsLimit(false)
        .detectsOomKill(false).networkModes(modes).restartPolicies(EnumSet.of(RestartPolicy.Kind.NEVER))
        .publishesPorts(true).runsImages(true).build();
  }

  /** {@link ImageManager} and {@link ExecManager}; {@link NetworkManager} where the CLI has networks. */
  @Override
  public <F extends Feature> Optional<F> feature(Class<F> type) {
    requireOpen();
    Feature feature = null;
    if (type == ImageManager.class) {
      feature = images;
    } else if (type == ExecManager.class) {
      feature = exec;
    } else if (type == NetworkManager.class && networks.getAsBoolean()) {
      feature = new AppleNetworkManager(cli, settings.scope());
    }
    return Optional.ofNullable(feature).map(type::cast);
  }

  /** Ends open log follows (killing their CLI children); containers keep running. Idempotent. */
  @Override
  public void close() {
    closed.set(true);
    follows.close();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw RuntimeClosedException.runtime(type(), settings.scope());
    }
  }

  /** Closed first, then the id: a malformed id is bad input, never a lookup (nor a file path). */
  private void requireOpen(String botId) {
    requireOpen();
    WorkloadKind.BOT.requireValidId(botId);
  }

  /** {@code AppleRuntime[type=apple, scope=default, endpoint=/usr/local/bin/container]}. */
  @Override
  public String toString() {
    return "AppleRuntime[type=" + type() + ", scope=" + settings.scope() + ", endpoint=" + cli.executable() + "]";
  }
}
