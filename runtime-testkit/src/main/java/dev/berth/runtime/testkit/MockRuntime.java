package dev.berth.runtime.testkit;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.ExecManager.ExecResult;
import dev.berth.runtime.Feature;
import dev.berth.runtime.Health;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeClosedException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An in-memory {@link Runtime} for unit tests: deterministic, thread-safe, and as strict as a real backend
 * (it passes {@link RuntimeConformanceKit}). Bots run no code; {@link MockWorkloads} options make them print
 * lines, exit, echo their env or ignore SIGTERM. Every call is recorded, and any call can be scripted to fail.
 *
 * <pre>{@code
 * MockRuntime mock = new MockRuntime();
 * mock.failNext(START, new RuntimeUnavailableException("engine restarting"));   // MockRuntime.Call.START
 * service.deploy("bot-1");                      // your code: create + start, retrying once
 * assertThat(mock).receivedStart("bot-1");      // BerthAssertions
 * mock.crash("bot-1", 3);                       // exits 3; the restart policy applies
 * assertThat(mock.status("bot-1")).hasFailed().hasExitCode(3);
 * }</pre>
 *
 * <p>It checks a spec's code where the real backends do: {@code create} rejects a code bundle that cannot be
 * materialised (a missing directory or archive, an archive entry that would leave the workspace) and an
 * entrypoint missing from the bundle. A spec without an image runs as a host process, as on the local
 * backend: {@code start} fails, and the bot reads FAILED, when its program is not on the {@code PATH} (an
 * absolute program path that does not exist exits 127 instead). A spec with an image makes the mock model a
 * container backend, which cannot look inside the image.
 *
 * <p>Several instances on one {@link MockEngine} share bots per scope, like several JVMs on one Docker
 * daemon; {@link #close()} never stops bots. {@link #update} changes resources and restart policy in place and
 * recreates the bot for an image, env or config change. {@link #stop(String)}, {@link #restart} use the
 * builder's {@link Builder#stopGrace stopGrace} (10 s by default). After {@code close()} every call but
 * {@code close()}, {@code type()} and {@code health()} throws {@link RuntimeClosedException}, as on every backend.
 */
public final class MockRuntime implements Runtime {
  /**
   * The methods a {@link MockRuntime} records and can script, each typed by its argument (what
   * {@link MockCall#argument()} and {@link MockRuntime#recorded} return): the spec for {@link #CREATE}, the
   * grace for {@link #STOP}, the options for {@link #LOGS}, the update for {@link #UPDATE}, the filter for
   * {@link #LIST}, and the id for calls that take only an id. Import them statically:
   *
   * <pre>{@code
   * import static dev.berth.runtime.testkit.MockRuntime.Call.START;
   *
   * runtime.failNext(START, new RuntimeUnavailableException("Docker is not reachable"));
   * }</pre>
   *
   * @param <A> the type of the method's argument
   */
  public static final class Call<A> implements MockCall.Method<A> {
    /** {@link MockRuntime#create}; the argument is the spec. */
    public static final Call<BotSpec> CREATE = new Call<>("create");
    /** {@link MockRuntime#start}; the argument is the id. */
    public static final Call<String> START = new Call<>("start");
    /** {@link MockRuntime#stop(String, Duration)} and {@code stop(id)}; the argument is the grace used. */
    public static final Call<Duration> STOP = new Call<>("stop");
    /** {@link MockRuntime#restart}; the argument is the id. */
    public static final Call<String> RESTART = new Call<>("restart");
    /** {@link MockRuntime#delete}; the argument is the id. */
    public static final Call<String> DELETE = new Call<>("delete");
    /** {@link MockRuntime#status}; the argument is the id. */
    public static final Call<String> STATUS = new Call<>("status");
    /** {@link MockRuntime#address}; the argument is the id. */
    public static final Call<String> ADDRESS = new Call<>("address");
    /** {@link MockRuntime#logs}; the argument is the options. */
    public static final Call<LogOptions> LOGS = new Call<>("logs");
    /** {@link MockRuntime#update}; the argument is the update. */
    public static final Call<BotUpdate> UPDATE = new Call<>("update");
    /** {@link MockRuntime#list}; the argument is the filter and the id is empty. */
    public static final Call<BotFilter> LIST = new Call<>("list");

    private final String name;

    private Call(String name) {
      this.name = name;
    }

    /** Every method, in declaration order. */
    public static List<Call<?>> values() {
      return List.of(CREATE, START, STOP, RESTART, DELETE, STATUS, ADDRESS, LOGS, UPDATE, LIST);
    }

    @Override
    public String name() {
      return name;
    }

    /** The method's name. */
    @Override
    public String toString() {
      return name;
    }
  }

  private final MockEngine engine;
  private final String scope;
  private final Capabilities capabilities;
  private final String hostAddress;
  private final MockBots bots;
  private final MockFeatures features;
  private final CallScript script;
  private final Map<Object, Stream<LogLine>> follows = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A runtime of scope {@code default} on a fresh engine of its own. */
  public MockRuntime() {
    this(builder());
  }

  private MockRuntime(Builder builder) {
    this.engine = builder.engine != null ? builder.engine : new MockEngine();
    this.scope = builder.scope;
    this.capabilities = builder.capabilities;
    this.hostAddress = builder.hostAddress;
    this.bots = new MockBots(engine, scope, capabilities, builder.stopGrace);
    this.features = new MockFeatures(engine, scope, bots, builder.features);
    this.script = new CallScript("MockRuntime", engine.clock(), builder.recording);
  }

  /** A builder for runtimes sharing an engine, with a scope, capabilities or fewer features. */
  public static Builder builder() {
    return new Builder();
  }

  /** The engine holding this runtime's bots. */
  public MockEngine engine() {
    return engine;
  }

  /** This runtime's scope. */
  public String scope() {
    return scope;
  }

  @Override
  public String type() {
    return "mock";
  }

  @Override
  public BotStatus create(BotSpec spec) {
    return call(Call.CREATE, spec == null ? "" : spec.id(), spec, () -> bots.create(spec));
  }

  @Override
  public void start(String botId) {
    call(Call.START, botId, botId, () -> {
      bots.start(botId);
      return null;
    });
  }

  @Override
  public void stop(String botId, Duration grace) {
    call(Call.STOP, String.valueOf(botId), grace, () -> {
      bots.stop(botId, grace);
      return null;
    });
  }

  /** Stops with the builder's {@link Builder#stopGrace stopGrace}; recorded as {@code stop(botId, grace)}. */
  @Override
  public void stop(String botId) {
    stop(botId, bots.stopGrace());
  }

  @Override
  public void restart(String botId) {
    call(Call.RESTART, botId, botId, () -> {
      bots.restart(botId);
      return null;
    });
  }

  @Override
  public void delete(String botId) {
    call(Call.DELETE, botId, botId, () -> {
      bots.delete(botId);
      return null;
    });
  }

  @Override
  public BotStatus status(String botId) {
    return call(Call.STATUS, botId, botId, () -> bots.status(botId));
  }

  @Override
  public Optional<String> address(String botId) {
    return call(Call.ADDRESS, botId, botId, () -> bots.address(botId));
  }

  @Override
  public String hostAddress() {
    requireOpen();
    return hostAddress;
  }

  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    Stream<LogLine> lines = call(Call.LOGS, String.valueOf(botId), options, () -> bots.logs(botId, options));
    if (!options.follow()) {
      return lines;
    }
    Object key = new Object();
    Stream<LogLine> tracked = lines.onClose(() -> follows.remove(key));
    follows.put(key, tracked);
    if (closed) { // close() ran meanwhile and may have missed this follow
      tracked.close();
    }
    return tracked;
  }

  @Override
  public BotStatus update(String botId, BotUpdate update) {
    return call(Call.UPDATE, String.valueOf(botId), update, () -> bots.update(botId, update));
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    return call(Call.LIST, "", filter, () -> bots.list(filter));
  }

  /** Healthy unless the engine is simulated down or this runtime is closed; never throws. */
  @Override
  public Health health() {
    if (closed) {
      return Health.unhealthy("closed: this mock runtime (scope '" + scope + "') was closed; create a new one");
    }
    return engine.downReason().map(reason -> Health.unhealthy("The mock engine is down (" + reason
        + "); call MockEngine.simulateUp()")).orElseGet(() -> Health.healthy("Berth MockEngine"));
  }

  @Override
  public Capabilities capabilities() {
    requireOpen();
    return capabilities;
  }

  @Override
  public <F extends Feature> Optional<F> feature(Class<F> type) {
    requireOpen();
    return features.get(type);
  }

  /** Ends this instance's follows and event subscriptions; bots keep running on the engine. Idempotent. */
  @Override
  public void close() {
    closed = true;
    features.close();
    follows.values().forEach(Stream::close);
  }

  // ---- scripting ----

  /** Runs {@code hook} with the spec before every create; a hook that throws fails the call. */
  public MockRuntime onCreate(Consumer<BotSpec> hook) {
    return onCall(Call.CREATE, (id, spec) -> hook.accept(spec));
  }

  /** Runs {@code hook} with the id before every start; a hook that throws fails the call. */
  public MockRuntime onStart(Consumer<String> hook) {
    return onCall(Call.START, (id, argument) -> hook.accept(id));
  }

  /** Runs {@code hook} with the id before every stop. */
  public MockRuntime onStop(Consumer<String> hook) {
    return onCall(Call.STOP, (id, grace) -> hook.accept(id));
  }

  /** Runs {@code hook} with the id before every restart. */
  public MockRuntime onRestart(Consumer<String> hook) {
    return onCall(Call.RESTART, (id, argument) -> hook.accept(id));
  }

  /** Runs {@code hook} with the id before every delete. */
  public MockRuntime onDelete(Consumer<String> hook) {
    return onCall(Call.DELETE, (id, argument) -> hook.accept(id));
  }

  /**
   * Runs {@code hook} with the id and the argument before every call to {@code call}; a hook that throws
   * fails the call.
   *
   * <pre>{@code
   * runtime.onCall(UPDATE, (id, update) -> seen.add(id + " " + update.resources()));
   * }</pre>
   */
  public <A> MockRuntime onCall(Call<A> call, BiConsumer<String, ? super A> hook) {
    script.hook(call, hook);
    return this;
  }

  /** Makes the next call to {@code call} throw {@code exception} without doing anything. */
  public MockRuntime failNext(Call<?> call, RuntimeException exception) {
    return failNext(call, 1, exception);
  }

  /** Makes the next {@code times} calls to {@code call} throw {@code exception} without doing anything. */
  public MockRuntime failNext(Call<?> call, int times, RuntimeException exception) {
    Objects.requireNonNull(exception, "exception");
    return failNext(call, times, () -> exception);
  }

  /** As {@link #failNext(Call, int, RuntimeException)}, with a fresh exception per call. */
  public MockRuntime failNext(Call<?> call, int times, Supplier<? extends RuntimeException> exception) {
    script.failNext(call, times, exception);
    return this;
  }

  /** Answers {@code ExecManager.exec} with {@code handler} (argv in, result out). */
  public MockRuntime onExec(Function<List<String>, ExecResult> handler) {
    features.onExec(handler);
    return this;
  }

  /**
   * The running bot exits on its own with {@code exitCode} (0 = clean exit, STOPPED; else FAILED); its
   * restart policy applies as a daemon would apply it.
   *
   * @throws IllegalStateException when the bot is not running
   */
  public MockRuntime crash(String botId, int exitCode) {
    bots.exitOnItsOwn(botId, exitCode, false);
    return this;
  }

  /** The running bot is OOM-killed (exit 137, {@code oomKilled}); its restart policy applies. */
  public MockRuntime oomKill(String botId) {
    bots.exitOnItsOwn(botId, MockBots.KILLED, true);
    return this;
  }

  /** Appends lines to the bot's stdout, as if it had printed them. */
  public MockRuntime appendLog(String botId, String... lines) {
    return appendLog(botId, LogStream.STDOUT, lines);
  }

  /** Appends lines to the bot's {@code stream}. */
  public MockRuntime appendLog(String botId, LogStream stream, String... lines) {
    bots.append(botId, stream, Arrays.asList(lines));
    return this;
  }

  /** Shortcut for {@code engine().simulateDown(reason)}: health fails, calls throw RuntimeUnavailableException. */
  public MockRuntime simulateEngineDown(String reason) {
    engine.simulateDown(reason);
    return this;
  }

  /** Shortcut for {@code engine().simulateUp()}. */
  public MockRuntime simulateEngineUp() {
    engine.simulateUp();
    return this;
  }

  /** Every recorded call on this instance, oldest first. */
  public List<MockCall<?>> calls() {
    return script.calls();
  }

  /** The recorded calls to {@code call}, oldest first, typed by its argument. */
  public <A> List<MockCall<A>> calls(Call<A> call) {
    return script.calls(call);
  }

  /**
   * The arguments of the recorded calls to {@code call} about {@code botId} (successful or not), oldest
   * first: the specs it was created with, the updates it received, the graces it was stopped with.
   *
   * <pre>{@code
   * assertThat(runtime.recorded(UPDATE, "bot-1")).singleElement()
   *     .satisfies(update -> assertThat(update.env()).containsEntry("MODE", "live"));
   * }</pre>
   */
  public <A> List<A> recorded(Call<A> call, String botId) {
    return script.calls(call).stream().filter(each -> each.id().equals(botId)).map(MockCall::argument)
        .collect(Collectors.toList());
  }

  /**
   * The oldest recorded call no earlier {@code takeCall} returned, waiting up to {@code timeout} for one
   * (for code that calls the runtime from its own threads), like MockWebServer's {@code takeRequest}.
   *
   * @throws AssertionError when no call arrives in time; it lists every recorded call
   */
  public MockCall<?> takeCall(Duration timeout) {
    return script.take(null, timeout);
  }

  /**
   * The oldest recorded call to {@code call} no earlier {@code takeCall} returned, waiting up to
   * {@code timeout}; calls to other methods stay to be taken.
   *
   * <pre>{@code
   * reconciler.runOnce();                                        // calls the runtime on its own thread
   * BotSpec created = runtime.takeCall(CREATE, Duration.ofSeconds(5)).argument();
   * assertThat(created.image()).isEqualTo("registry/momentum:8");
   * }</pre>
   *
   * @throws AssertionError when no such call arrives in time; it lists every recorded call
   */
  public <A> MockCall<A> takeCall(Call<A> call, Duration timeout) {
    return script.take(Objects.requireNonNull(call, "call"), timeout).as(call);
  }

  /** Forgets recorded calls, hooks and scripted failures; bots stay. */
  public MockRuntime reset() {
    script.reset();
    return this;
  }

  /** The bots of this scope that are RUNNING now. */
  public List<BotStatus> runningBots() {
    return bots.list(BotFilter.builder().state(BotState.RUNNING).build());
  }

  private <A, T> T call(Call<A> method, String id, A argument, Supplier<T> body) {
    return script.call(method, id, argument, () -> {
      requireOpen();
      engine.checkUp();
      return body.get();
    });
  }

  private void requireOpen() {
    if (closed) {
      throw RuntimeClosedException.runtime("mock", scope);
    }
  }

  /** {@code MockRuntime[scope=default, engine=MockEngine['default']]}. */
  @Override
  public String toString() {
    return "MockRuntime[scope=" + scope + ", engine=" + engine + (closed ? ", closed" : "") + "]";
  }

  /** Builder for {@link MockRuntime}. */
  public static final class Builder {
    private MockEngine engine;
    private String scope = "default";
    private Capabilities capabilities = Capabilities.builder()
        .networkModes(EnumSet.allOf(NetworkMode.Kind.class))
        .restartPolicies(EnumSet.allOf(RestartPolicy.Kind.class))
        .detectsOomKill(true)
        .build();
    private String hostAddress = "127.0.0.1";
    private Duration stopGrace = Runtime.DEFAULT_STOP_GRACE;
    private final Set<Class<? extends Feature>> features = new HashSet<>(MockFeatures.ALL);
    private boolean recording = true;

    private Builder() {}

    /** The engine to share with other runtimes; default a fresh one. */
    public Builder engine(MockEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /** The scope; default {@code default}. */
    public Builder scope(String scope) {
      this.scope = dev.berth.runtime.RuntimeConfig.of(java.util.Map.of("scope", scope)).scope();
      return this;
    }

    /**
     * What the runtime supports, e.g. only NEVER restarts to mimic a backend without restart policies; specs
     * asking for more are rejected with UnsupportedFeatureException, as a real backend would.
     */
    public Builder capabilities(Capabilities capabilities) {
      this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
      return this;
    }

    /** Hides features, so code paths for backends without them can be tested. */
    @SafeVarargs
    public final Builder withoutFeatures(Class<? extends Feature>... types) {
      for (Class<? extends Feature> type : types) {
        features.remove(type);
      }
      return this;
    }

    /** The address {@link MockRuntime#hostAddress()} reports; default {@code 127.0.0.1}. */
    public Builder hostAddress(String hostAddress) {
      this.hostAddress = Objects.requireNonNull(hostAddress, "hostAddress");
      return this;
    }

    /**
     * The grace of {@code stop(id)} and {@code restart} (config key {@code stop-grace}); default 10 s. A bot
     * that ignores SIGTERM is killed after it.
     */
    public Builder stopGrace(Duration stopGrace) {
      Objects.requireNonNull(stopGrace, "stopGrace");
      if (stopGrace.isNegative()) {
        throw new InvalidConfigException("stop-grace", "stopGrace " + stopGrace + " is negative; give a duration "
            + "such as Duration.ofSeconds(10), or Duration.ZERO to kill at once");
      }
      this.stopGrace = stopGrace;
      return this;
    }

    /** Turns call recording off, for fleet-scale tests with millions of calls. Default on. */
    public Builder recording(boolean recording) {
      this.recording = recording;
      return this;
    }

    /** The runtime. */
    public MockRuntime build() {
      return new MockRuntime(this);
    }
  }
}
