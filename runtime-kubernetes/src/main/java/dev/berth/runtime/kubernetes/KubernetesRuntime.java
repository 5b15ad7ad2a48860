package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.Feature;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.ScheduleManager;
import dev.berth.runtime.StatsManager;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.internal.IdLocks;
import dev.berth.runtime.core.internal.StoreAccess;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Bots as Kubernetes Deployments: one replica while running, none while stopped, with a ConfigMap (config, small
 * code) and a Secret (env marked secret) owned by the Deployment. Objects are found by label ({@code berth.managed},
 * {@code berth.scope}, {@code berth.kind}, {@code berth.id}), so a new JVM manages what an earlier one created.
 *
 * <pre>{@code
 * try (Runtime kubernetes = KubernetesRuntime.builder().namespace("bots").scope("research").build()) {
 *   kubernetes.create(BotSpec.builder("ticker").image("busybox:1.36").command("sh", "-c", "...").build());
 *   kubernetes.start("ticker");
 * }
 * }</pre>
 *
 * <p>{@code list()} costs one Deployment list and one pod list whatever the fleet's size; {@code status()} one
 * Deployment read and one pod list. Every container gets requests and limits, no privilege escalation, no
 * capabilities and the {@code RuntimeDefault} seccomp profile. After {@link #close()} every call but
 * {@code close()}, {@code type()} and {@code health()} throws {@link RuntimeClosedException}.
 */
public final class KubernetesRuntime implements Runtime {
  private final KubernetesSettings settings;
  private final KubeConnection connection;
  private final Cluster cluster;
  private final BotLifecycle lifecycle;
  private final BotOperations operations;
  private final PodLogs logs;
  private final StoreAccess store;
  private final IdLocks locks = new IdLocks();
  private final Map<Class<? extends Feature>, Feature> features = new HashMap<>();
  private final KubernetesStatsManager stats;
  private final AtomicBoolean closed = new AtomicBoolean();

  KubernetesRuntime(KubernetesBuilder.Parts parts) {
    this.settings = parts.settings();
    this.connection = parts.connection();
    this.cluster = new Cluster(connection, settings.scope(), settings.pollInterval());
    this.logs = new PodLogs(connection, settings.pollInterval());
    this.lifecycle = new BotLifecycle(cluster, settings, logs);
    this.operations = new BotOperations(cluster, new BotManifests(settings), parts.packager(), lifecycle,
        settings.scope());
    this.store = StoreAccess.forRuntime(parts.store(), KubernetesRuntimeProvider.TYPE, settings.scope());
    features.put(ScheduleManager.class, new KubernetesScheduleManager(settings, connection, parts.packager()));
    this.stats = new KubernetesStatsManager(cluster, lifecycle, this::requireOpen);
  }

  /** A builder; unset settings come from the in-cluster service account or the kubeconfig. */
  public static KubernetesBuilder<KubernetesRuntime> builder() {
    return new KubernetesBuilder<>(KubernetesRuntime::new);
  }

  /**
   * A runtime configured by {@code kubernetes.*} and the common keys; the same as
   * {@code builder().config(config).build()}.
   *
   * @throws dev.berth.runtime.InvalidConfigException for an unknown or malformed key
   */
  public static KubernetesRuntime fromConfig(RuntimeConfig config) {
    return builder().config(config).build();
  }

  @Override
  public String type() {
    return KubernetesRuntimeProvider.TYPE;
  }

  @Override
  public BotStatus create(BotSpec spec) {
    requireOpen();
    return locks.with(spec.id(), () -> operations.create(spec));
  }

  @Override
  public void start(String botId) {
    requireOpen(botId);
    locks.run(botId, () -> lifecycle.start(botId));
  }

  /** Scales the Deployment to 0 and deletes its pod with {@code grace} to stop (SIGTERM, then SIGKILL). */
  @Override
  public void stop(String botId, Duration grace) {
    requireOpen(botId);
    locks.run(botId, () -> lifecycle.stop(botId, grace));
  }

  @Override
  public void stop(String botId) {
    stop(botId, settings.stopGrace());
  }

  /** Rolls the pod as {@code kubectl rollout restart} does (annotation {@code restartedAt}); starts a stopped bot. */
  @Override
  public void restart(String botId) {
    requireOpen(botId);
    locks.run(botId, () -> lifecycle.restart(botId));
  }

  @Override
  public void delete(String botId) {
    requireOpen(botId);
    locks.run(botId, () -> operations.delete(botId));
  }

  @Override
  public BotStatus status(String botId) {
    requireOpen(botId);
    return locks.with(botId, () -> lifecycle.status(botId));
  }

  /** The pod IP of the bot's newest pod, once it has one. */
  @Override
  public Optional<String> address(String botId) {
    requireOpen(botId);
    lifecycle.require(botId);
    return StatusMapper.newest(livePods(botId)).map(V1Pod::getStatus).map(s -> s.getPodIP())
        .filter(ip -> !ip.isBlank());
  }

  /** {@code kubernetes.host-address}, else {@code POD_IP} (set it with the downward API), else this host's address. */
  @Override
  public String hostAddress() {
    requireOpen();
    return settings.hostAddress().or(() -> Optional.ofNullable(System.getenv("POD_IP")).filter(s -> !s.isBlank()))
        .orElseGet(() -> {
          try {
            return java.net.InetAddress.getLocalHost().getHostAddress();
          } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
          }
        });
  }

  /**
   * The newest pod's log, each line with its stream (see {@link StreamTags}). A follow reconnects from the last
   * line while the container runs and ends with the run it follows.
   */
  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    requireOpen(botId);
    RestartPolicy policy = StatusMapper.restartPolicy(lifecycle.require(botId));
    Optional<V1Pod> pod = StatusMapper.newest(livePods(botId));
    if (pod.isPresent() && !hasStarted(pod.get()) && options.follow()) {
      lifecycle.awaitPod(botId, p -> p.getMetadata().getName().equals(pod.get().getMetadata().getName()));
    }
    String key = lifecycle.archiveKey(botId);
    if (pod.isEmpty() || !hasStarted(StatusMapper.newest(livePods(botId)).orElse(pod.get()))) {
      // no container runs or ran: the last pod's log, if Berth kept it when it removed the pod
      return LogArchive.SHARED.read(key, options).stream();
    }
    String name = pod.get().getMetadata().getName();
    String what = "bot '" + botId + "'";
    if (StatusMapper.waitsAfterLastRun(pod.get(), policy)) {
      // the program's last run has ended; the container after it runs nothing: the run's log is the previous one
      return logs.read(name, BotManifests.CONTAINER, true, options, what).stream();
    }
    return logs.open(name, BotManifests.CONTAINER, options,
        () -> closed.get() ? Optional.empty() : PodLogs.Instance.of(livePods(botId), name), what,
        () -> LogArchive.SHARED.forPod(key, name));
  }

  /** Whether the pod's main container runs or ran: only then does the log endpoint answer. */
  private static boolean hasStarted(V1Pod pod) {
    return StatusMapper.mainContainer(pod).filter(c -> c.getState() != null).map(c -> c.getState().getRunning() != null
        || c.getState().getTerminated() != null || (c.getLastState() != null && c.getLastState().getTerminated() != null))
        .orElse(false);
  }

  private List<V1Pod> livePods(String botId) {
    return cluster.pods(KubeLabels.KIND_BOT, botId);
  }

  /**
   * Replaces the spec's image, env, config, resources or restart policy: ConfigMap and Secret are replaced and the
   * pod template patched, so a running bot's pod is recreated (its logs start empty); a stopped bot stays stopped.
   */
  @Override
  public BotStatus update(String botId, BotUpdate update) {
    requireOpen(botId);
    return locks.with(botId, () -> operations.update(botId, update));
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    requireOpen();
    long before = locks.released();
    List<BotStatus> listed = new FleetList(cluster, settings.scope()).selected(filter);
    boolean changed = locks.released() != before;
    List<BotStatus> statuses = new ArrayList<>(listed.size());
    for (BotStatus status : listed) {
      BotStatus current = status;
      if (changed || locks.busy(status.id())) {
        // a bot with a call running, or any bot while a call ended during the listing, may be listed halfway
        // through that call (a start between scaling up and its pod running): read it again behind its lock
        try {
          current = locks.with(status.id(), () -> lifecycle.status(status.id()));
        } catch (BotNotFoundException e) {
          continue;
        }
      }
      if (filter.matches(current)) {
        statuses.add(current);
      }
    }
    return statuses;
  }

  /** Whether the API server answers and lets this account list Deployments; never throws. */
  @Override
  public Health health() {
    if (closed.get()) {
      return Health.unhealthy("closed: this kubernetes runtime (scope '" + settings.scope() + "') was closed; "
          + "create a new one");
    }
    return connection.health();
  }

  /** Memory and CPU limits and OOM kills yes; a pids limit is the node's setting; pod network or the node's. */
  @Override
  public Capabilities capabilities() {
    requireOpen();
    return Capabilities.builder().enforcesMemoryLimit(true).enforcesCpuLimit(true).enforcesPidsLimit(false)
        .detectsOomKill(true).networkModes(EnumSet.of(NetworkMode.Kind.DEFAULT, NetworkMode.Kind.BRIDGE,
            NetworkMode.Kind.HOST)).restartPolicies(EnumSet.allOf(RestartPolicy.Kind.class)).publishesPorts(false)
        .runsImages(true).build();
  }

  /**
   * Offers {@link ScheduleManager} (native CronJobs), and {@link StatsManager} while the API server serves the
   * resource metrics API ({@code metrics.k8s.io}, from metrics-server); empty for every other feature.
   */
  @Override
  public <F extends Feature> Optional<F> feature(Class<F> type) {
    requireOpen();
    if (type == StatsManager.class) {
      return stats.served() ? Optional.of(type.cast(stats)) : Optional.empty();
    }
    return Optional.ofNullable(features.get(type)).map(type::cast);
  }

  /** Ends open log follows and releases the client; Deployments keep running. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      logs.close();
      store.close();
      connection.close();
    }
  }

  /** Whether waits for pods are watches: false once the API server showed it streams none. */
  boolean watchesPods() {
    return cluster.watchesPods();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw RuntimeClosedException.runtime(type(), settings.scope());
    }
  }

  private void requireOpen(String botId) {
    requireOpen();
    WorkloadKind.BOT.requireValidId(botId);
  }

  /** {@code KubernetesRuntime[scope=default, namespace=bots, url=https://10.0.0.1:6443]}. */
  @Override
  public String toString() {
    return "KubernetesRuntime[scope=" + settings.scope() + ", namespace=" + connection.namespace() + ", url="
        + connection.url() + "]";
  }
}
