package dev.berth.runtime.docker;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.Feature;
import dev.berth.runtime.Health;
import dev.berth.runtime.ImageManager;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.SidecarManager;
import dev.berth.runtime.StatsManager;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.internal.IdLocks;
import dev.berth.runtime.core.internal.StoreAccess;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bots as Docker containers, found by label ({@code berth.managed}, {@code berth.scope}, {@code berth.id},
 * {@code berth.kind}); a new JVM manages what an earlier one created. Every feature manager is offered.
 *
 * <pre>{@code
 * try (Runtime docker = DockerRuntime.builder().scope("research").build()) {
 *   docker.create(BotSpec.builder("ticker").image("busybox:1.36").command("sh", "-c", "...").build());
 *   docker.start("ticker");
 * }
 * }</pre>
 *
 * <p>Containers run with an init process, {@code no-new-privileges}, a minimal capability set and the
 * spec's limits; the bot's workspace is mounted read-only at {@code /bot}. Connection settings follow the
 * docker CLI ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}, Docker contexts).
 * After {@link #close()} every call but {@code close()}, {@code type()} and {@code health()} throws
 * {@link RuntimeClosedException}.
 */
public final class DockerRuntime implements Runtime {
  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

  private final DockerConnection connection;
  private final DockerSettings settings;
  private final ContainerLookup lookup;
  private final BotOperations operations;
  private final BotLister lister;
  private final LogStreams logs;
  private final Addresses addresses;
  private final IdLocks locks = new IdLocks();
  private final DockerEventManager events;
  private final Map<Class<? extends Feature>, Feature> features = new HashMap<>();
  private final StoreAccess store;
  private final AtomicBoolean closed = new AtomicBoolean();

  DockerRuntime(DockerSettings settings, DockerConnection connection, WorkloadCreator creator,
      DockerImageManager images, Optional<ObjectStore> store) {
    this.settings = settings;
    this.connection = connection;
    this.lookup = new ContainerLookup(connection, settings.scope(), Labels.KIND_BOT);
    BotFiles files = new BotFiles(settings.scopeDir(), Labels.KIND_BOT);
    this.addresses = new Addresses(connection);
    DockerSidecarManager sidecars = new DockerSidecarManager(connection, settings.scope(), lookup, files,
        this::address);
    this.logs = new LogStreams(connection);
    this.operations = new BotOperations(connection, lookup, files, creator, sidecars, settings.stopGrace(),
        logs::lastLines);
    this.lister = new BotLister(connection, operations, settings.scope());
    this.events = new DockerEventManager(connection, settings.scope());
    features.put(NetworkManager.class, new DockerNetworkManager(connection, settings.scope()));
    features.put(SidecarManager.class, sidecars);
    features.put(ImageManager.class, images);
    features.put(ExecManager.class, new DockerExecManager(connection, lookup));
    features.put(StatsManager.class, new DockerStatsManager(connection, lookup));
    features.put(EventManager.class, events);
    this.store = StoreAccess.forRuntime(store, DockerRuntimeProvider.TYPE, settings.scope());
    log.debug("Docker runtime for scope {} at {}", settings.scope(), connection.endpoint().host());
  }

  /** A builder; unset settings come from the environment like the docker CLI's. */
  public static DockerBuilder<DockerRuntime> builder() {
    return new DockerBuilder<>(DockerBuilder::runtime);
  }

  /**
   * A runtime configured by {@code docker.*} and the common keys ({@code scope}, {@code stop-grace},
   * {@code store.*}); the same as {@code builder().config(config).build()}.
   *
   * @throws dev.berth.runtime.InvalidConfigException for an unknown or malformed key
   */
  public static DockerRuntime fromConfig(RuntimeConfig config) {
    return builder().config(config).build();
  }

  @Override
  public String type() {
    return DockerRuntimeProvider.TYPE;
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

  @Override
  public Optional<String> address(String botId) {
    requireOpen(botId);
    return lookup.withContainer(botId, containerId -> Addresses.of(operations.inspect(botId, containerId)));
  }

  @Override
  public String hostAddress() {
    requireOpen();
    return addresses.hostAddress();
  }

  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    requireOpen(botId);
    String containerId = lookup.withContainer(botId, id -> operations.inspect(botId, id).getId());
    return logs.open(containerId, options, botId);
  }

  /**
   * Limits and restart policy change in place. An image, env or config change, or removing a limit (Docker
   * cannot lift one in place), recreates the container: the new one is created first, so a failure (e.g. the
   * image cannot be pulled) leaves the bot as it was; a recreate removes the bot's sidecars, which shared the
   * old container's network, and the new container's logs start empty.
   */
  @Override
  public BotStatus update(String botId, BotUpdate update) {
    requireOpen(botId);
    return locks.with(botId, () -> operations.update(botId, update));
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    requireOpen();
    Map<String, String> labels = new HashMap<>(filter.labels());
    filter.segment().ifPresent(segment -> labels.put(BotFilter.SEGMENT_LABEL, segment));
    return lister.statuses(ContainerLookup.onePerBot(lookup.all(labels)), filter);
  }

  /** For tests: reuse the inspections of containers listed as at least {@code settled} old (default 2 min). */
  void reuseListedInspectionsAfter(Duration settled) {
    lister.reuseAfter(settled);
  }

  /** Whether the engine answers now; never throws. A closed runtime is unhealthy. */
  @Override
  public Health health() {
    if (closed.get()) {
      return Health.unhealthy("closed: this docker runtime (scope '" + settings.scope() + "') was closed; create a "
          + "new one");
    }
    return connection.health();
  }

  @Override
  public Capabilities capabilities() {
    requireOpen();
    return Capabilities.builder().enforcesMemoryLimit(true).enforcesCpuLimit(true).enforcesPidsLimit(true)
        .detectsOomKill(true).networkModes(EnumSet.allOf(NetworkMode.Kind.class))
        .restartPolicies(EnumSet.allOf(RestartPolicy.Kind.class)).publishesPorts(true).runsImages(true).build();
  }

  @Override
  public <F extends Feature> Optional<F> feature(Class<F> type) {
    requireOpen();
    return Optional.ofNullable(features.get(type)).map(type::cast);
  }

  /**
   * Ends open log reads and follows, closes event subscriptions and the Docker client; containers keep
   * running. Idempotent.
   */
  @Override
  public void close() {
    closed.set(true);
    logs.close();
    lister.close();
    events.close();
    store.close();
    connection.close();
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

  /** {@code DockerRuntime[scope=default, endpoint=unix:///var/run/docker.sock]}. */
  @Override
  public String toString() {
    return "DockerRuntime[scope=" + settings.scope() + ", endpoint=" + connection.endpoint().host() + "]";
  }
}
