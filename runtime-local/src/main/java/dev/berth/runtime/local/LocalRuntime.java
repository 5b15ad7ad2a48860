package dev.berth.runtime.local;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.Feature;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.StatsManager;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.ObjectStores;
import dev.berth.runtime.core.internal.StoreAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Bots as supervised processes on this host: the embedded default backend, and the one to debug with.
 *
 * <pre>{@code
 * import dev.berth.runtime.Runtime;
 *
 * try (Runtime runtime = LocalRuntime.builder().stateDir(Path.of("/var/lib/berth")).scope("research").build()) {
 *   runtime.create(BotSpec.builder("ticker").command("python3", "-u", "ticker.py").build());
 *   runtime.start("ticker");
 * }
 * }</pre>
 *
 * <p><b>Configuration</b> ({@link RuntimeConfig}; environment {@code BERTH_LOCAL_STATE_DIR} etc.):
 * <ul>
 *   <li>{@code local.state-dir}: where bots live, default {@code ~/.berth/local}; each scope has
 *       {@code <state-dir>/<scope>/bots/<id>/} holding {@code state.properties}, {@code workspace/} (the
 *       working directory with the code and {@code config.json}), {@code run/} and {@code logs/};
 *   <li>{@code local.log-max-bytes}: size at which {@code logs/output.log} rotates (default 10m);
 *   <li>{@code local.log-files}: rotated files kept besides the current one (default 3);
 *   <li>common keys: {@code scope} (default {@code default}); {@code stop-grace}, the grace before SIGKILL
 *       for {@link #stop(String)}, {@link #delete}, {@link #restart} and updates (default 10s);
 *       {@code store.type} and {@code store.root}, the object store for {@code CodeBundle.stored(...)} bundles
 *       and backtest results (default a file-system store in {@code ~/.berth/store}; {@code store.type=none}
 *       for none).
 * </ul>
 * Unknown {@code local.*} and common keys are rejected with a did-you-mean hint.
 *
 * <p><b>How bots run.</b> Each run is a child of a fixed {@code /bin/sh} wrapper (see {@code Wrapper}) in its
 * own session and process group ({@code setsid}): argv lists only, working directory = the workspace,
 * environment = the spec's plus {@code PATH}, {@code HOME}, {@code LANG}, {@code TZ} and {@code BOT_ID},
 * {@code BOT_CONFIG}. Output is appended by the process itself to files and copied, timestamped, into
 * {@code logs/output.log} (see {@code LogPump}); the wrapper records the exit code in a file. Nothing ties a
 * bot to this JVM: if the JVM dies, bots keep running, and a new {@code LocalRuntime} on the same state
 * directory re-adopts them by pid + process start time (never a recycled pid) and reports the exit codes of
 * those that ended meanwhile. {@link #stop} sends SIGTERM to the whole process tree and SIGKILL after the
 * grace. Restart policies restart with a backoff of 100ms doubling up to 10s. {@code image} is ignored.
 *
 * <p><b>Limits.</b> Memory, CPU and pids limits are enforced with cgroup v2 where {@code /sys/fs/cgroup} is
 * a writable cgroup2 mount, else with the cgroup v1 {@code memory}, {@code cpu} and {@code pids} controllers
 * that are mounted and writable there; a bot over its memory limit is killed by the kernel and reads FAILED
 * with exit code 137 and {@code oomKilled}. Where a controller is missing, {@link #capabilities()} says so and
 * each affected bot's status message reads e.g. {@code memory limit not enforced: cgroup v2 not writable}.
 *
 * <p><b>Updates.</b> Resources and restart policy change in place (limits are applied to the running
 * process's cgroup where enforced). An env or config change recreates the run: a running bot is stopped (with
 * the configured grace), its {@code config.json} rewritten and the bot started again; its log keeps the
 * earlier runs' lines. An image change is recorded in the spec but otherwise ignored (logged at debug), as
 * on create.
 *
 * <p>Features: {@link ExecManager}, {@link StatsManager}, {@link EventManager}. Thread-safe; calls for one
 * id are serialised, also across runtime instances and JVMs sharing a state directory (file locks).
 * {@link #close()} stops this runtime's thread; bots keep running. Afterwards every call but
 * {@code close()}, {@code type()} and {@code health()} throws {@link RuntimeClosedException}.
 */
public final class LocalRuntime implements Runtime {
  private final LocalSettings settings;
  private final BotSupervisor supervisor;
  private final LocalExec exec;
  private final LocalStats stats;
  private final StoreAccess store;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalRuntime(LocalSettings settings) {
    this.settings = settings;
    this.supervisor = new BotSupervisor(settings, new Launcher(settings.objectStore(), settings.bundleCache()), Cgroups.detect());
    this.exec = new LocalExec(supervisor);
    this.stats = new LocalStats(supervisor);
    this.store = StoreAccess.forRuntime(settings.objectStore(), LocalRuntimeProvider.TYPE, settings.scope());
  }

  /**
   * A builder with the defaults: {@code ~/.berth/local}, scope {@code default}, stop grace 10s, a file-system
   * object store in {@code ~/.berth/store}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A runtime configured by {@code local.*} and the common keys (see the class doc). */
  public static LocalRuntime fromConfig(RuntimeConfig config) {
    return new LocalRuntime(LocalSettings.fromConfig(config));
  }

  @Override
  public String type() {
    return LocalRuntimeProvider.TYPE;
  }

  /** The state directory of this runtime's scope. */
  public Path scopeDirectory() {
    requireOpen();
    return settings.scopeDir();
  }

  @Override
  public BotStatus create(BotSpec spec) {
    requireOpen();
    Objects.requireNonNull(spec, "spec");
    return supervisor.create(spec);
  }

  @Override
  public void start(String botId) {
    requireOpen();
    supervisor.start(botId);
  }

  @Override
  public void stop(String botId, Duration grace) {
    requireOpen();
    Objects.requireNonNull(grace, "grace");
    supervisor.stop(botId, grace.isNegative() ? Duration.ZERO : grace);
  }

  /** Stops with the configured grace ({@code stop-grace} or the builder's {@code stopGrace}, 10s unless set). */
  @Override
  public void stop(String botId) {
    stop(botId, settings.stopGrace());
  }

  @Override
  public void restart(String botId) {
    requireOpen();
    supervisor.restart(botId);
  }

  @Override
  public void delete(String botId) {
    requireOpen();
    supervisor.delete(botId);
  }

  @Override
  public BotStatus status(String botId) {
    requireOpen();
    return supervisor.status(botId);
  }

  /** {@code 127.0.0.1} while the bot runs: it listens on the host's own interfaces. */
  @Override
  public Optional<String> address(String botId) {
    requireOpen();
    return supervisor.status(botId).isRunning() ? Optional.of("127.0.0.1") : Optional.empty();
  }

  /** {@code 127.0.0.1}: local bots share the host's network. */
  @Override
  public String hostAddress() {
    requireOpen();
    return "127.0.0.1";
  }

  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    requireOpen();
    Objects.requireNonNull(options, "options");
    return supervisor.logs(botId, options);
  }

  /**
   * A change of {@code env} or {@code config} recreates the bot: stopped if running, its log emptied (as a new
   * container's is), started again if it ran; {@code resources} and {@code restartPolicy} change in place;
   * {@code image} is ignored.
   */
  @Override
  public BotStatus update(String botId, BotUpdate update) {
    requireOpen();
    Objects.requireNonNull(update, "update");
    return supervisor.update(botId, update);
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    requireOpen();
    Objects.requireNonNull(filter, "filter");
    return supervisor.list(filter);
  }

  /** Whether bots can be run here now; never throws. A closed runtime is unhealthy. */
  @Override
  public Health health() {
    if (closed.get()) {
      return Health.unhealthy("closed: this local runtime (scope '" + settings.scope() + "') was closed; create a "
          + "new one");
    }
    if (!Wrapper.shellAvailable()) {
      return Health.unhealthy("/bin/sh is missing; the local runtime starts every bot through it. "
          + "Install a POSIX shell.");
    }
    if (!Files.isWritable(settings.botsDir())) {
      return Health.unhealthy("The state directory " + settings.botsDir() + " is not writable; fix its "
          + "permissions or set local.state-dir.");
    }
    String limits = supervisor.cgroups.summary();
    return new Health(true, "local processes on " + System.getProperty("os.name") + " "
        + System.getProperty("os.version"), "state in " + settings.scopeDir() + "; "
        + (Wrapper.usesProcessGroups() ? "process groups via setsid" : "no setsid: trees signalled per process")
        + "; " + limits);
  }

  @Override
  public Capabilities capabilities() {
    requireOpen();
    Cgroups cgroups = supervisor.cgroups;
    return Capabilities.builder()
        .enforcesMemoryLimit(cgroups.enforcesMemory())
        .enforcesCpuLimit(cgroups.enforcesCpu())
        .enforcesPidsLimit(cgroups.enforcesPids())
        .detectsOomKill(cgroups.detectsOomKill())
        .networkModes(EnumSet.of(NetworkMode.Kind.DEFAULT, NetworkMode.Kind.HOST))
        .restartPolicies(EnumSet.allOf(RestartPolicy.Kind.class))
        .publishesPorts(false)
        .runsImages(false)
        .build();
  }

  @Override
  public <F extends Feature> Optional<F> feature(Class<F> type) {
    requireOpen();
    Objects.requireNonNull(type, "type");
    if (type == ExecManager.class) {
      return Optional.of(type.cast(exec));
    }
    if (type == StatsManager.class) {
      return Optional.of(type.cast(stats));
    }
    if (type == EventManager.class) {
      return Optional.of(type.cast(supervisor.events));
    }
    return Optional.empty();
  }

  /**
   * Stops this runtime's supervisor thread and event deliveries, and ends every open {@code logs(follow)}
   * stream it served (within 50 ms). Bots keep running. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      supervisor.close();
      store.close();
    }
  }

  private void requireOpen() {
    if (closed.get()) {
      throw RuntimeClosedException.runtime(type(), settings.scope());
    }
  }

  /** {@code LocalRuntime[scope=default, stateDir=/home/me/.berth/local]}. */
  @Override
  public String toString() {
    return "LocalRuntime[scope=" + settings.scope() + ", stateDir=" + settings.stateDir() + "]";
  }

  /** Builds a {@link LocalRuntime}. */
  public static final class Builder {
    private Path stateDir = LocalSettings.defaultStateDir();
    private String scope = "default";
    private Duration stopGrace = Runtime.DEFAULT_STOP_GRACE;
    private long logMaxBytes = LocalSettings.DEFAULT_LOG_MAX_BYTES;
    private int logFiles = LocalSettings.DEFAULT_LOG_FILES;
    private Optional<ObjectStore> objectStore;

    private Builder() {}

    /** Root of all state ({@code local.state-dir}), default {@code ~/.berth/local}. */
    public Builder stateDir(Path stateDir) {
      this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
      return this;
    }

    /** The scope whose bots this runtime manages ({@code scope}), default {@code default}. */
    public Builder scope(String scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /** Grace before SIGKILL where no grace is passed ({@code stop-grace}), default 10s. */
    public Builder stopGrace(Duration stopGrace) {
      this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
      return this;
    }

    /** Size at which a bot's log rotates ({@code local.log-max-bytes}), default 10 MiB. */
    public Builder logMaxBytes(long logMaxBytes) {
      this.logMaxBytes = logMaxBytes;
      return this;
    }

    /** Rotated log files kept ({@code local.log-files}), default 3. */
    public Builder logFiles(int logFiles) {
      this.logFiles = logFiles;
      return this;
    }

    /**
     * Store for {@code CodeBundle.stored} bundles and backtest results; default a file-system store in
     * {@code ~/.berth/store} (as {@code store.*} keys say for {@link #fromConfig}).
     */
    public Builder objectStore(ObjectStore objectStore) {
      this.objectStore = Optional.of(Objects.requireNonNull(objectStore, "objectStore"));
      return this;
    }

    /** No object store ({@code store.type=none}): stored bundles cannot be used, results are not stored. */
    public Builder noObjectStore() {
      this.objectStore = Optional.empty();
      return this;
    }

    LocalSettings settings() {
      Optional<ObjectStore> store = objectStore != null ? objectStore : ObjectStores.fromConfig(RuntimeConfig.empty());
      return new LocalSettings(stateDir, scope, stopGrace, logMaxBytes, logFiles, store);
    }

    /** Creates the runtime; it re-adopts the bots its scope already has in the state directory. */
    public LocalRuntime build() {
      return new LocalRuntime(settings());
    }
  }
}
