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
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeUnavailableException;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An in-memory {@link Runtime} for unit tests: deterministic, thread-safe, and as strict as a real backend
 * (it passes {@link RuntimeConformanceKit}). Bots run no code; {@link MockWorkloads} options make them print
 * lines, exit, echo their env or ignore SIGTERM. Every call is recorded, and any call can be scripted to fail.
 *
 * <pre>{@code
 * MockRuntime mock = new MockRuntime();
 * mock.failNext("start", 1, new RuntimeUnavailableException("engine restarting"));
 * service.deploy("bot-1");                      // your code: create + start, retrying once
 * assertThat(mock).receivedStart("bot-1");      // BerthAssertions
 * mock.crash("bot-1", 3);                       // exits 3; the restart policy applies
 * assertThat(mock.status("bot-1")).hasFailed().hasExitCode(3);
 * }</pre>
 *
 * <p>Several instances on one {@link MockEngine} share bots per scope, like several JVMs on one Docker
 * daemon; {@link #close()} never stops bots.
 */
public final class MockRuntime implements Runtime {
  /** The methods {@link #calls()} records and {@link #failNext} can fail. */
  public static final Set<String> RECORDED_METHODS = Set.of("create", "start", "stop", "restart", "delete",
      "status", "address", "logs", "update", "list");

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
    this.bots = new MockBots(engine, scope, capabilities);
    this.features = new MockFeatures(engine, scope, bots, builder.features);
    this.script = new CallScript("MockRuntime", RECORDED_METHODS, engine.clock(), builder.recording);
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
    return call("create", () -> bots.create(spec), spec);
  }

  @Override
  public void start(String botId) {
    call("start", () -> {
      bots.start(botId);
      return null;
    }, botId);
  }

  @Override
  public void stop(String botId, Duration grace) {
    call("stop", () -> {
      bots.stop(botId, grace);
      return null;
    }, botId, grace);
  }

  @Override
  public void restart(String botId) {
    call("restart", () -> {
      bots.restart(botId);
      return null;
    }, botId);
  }

  @Override
  public void delete(String botId) {
    call("delete", () -> {
      bots.delete(botId);
      return null;
    }, botId);
  }

  @Override
  public BotStatus status(String botId) {
    return call("status", () -> bots.status(botId), botId);
  }

  @Override
  public Optional<String> address(String botId) {
    return call("address", () -> bots.address(botId), botId);
  }

  @Override
  public String hostAddress() {
    return hostAddress;
  }

  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    Stream<LogLine> lines = call("logs", () -> bots.logs(botId, options), botId, options);
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
    return call("update", () -> bots.update(botId, update), botId, update);
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    return call("list", () -> bots.list(filter), filter);
  }

  /** Healthy unless the engine is simulated down; never throws. */
  @Override
  public Health health() {
    return engine.downReason().map(reason -> Health.unhealthy("The mock engine is down (" + reason
        + "); call MockEngine.simulateUp()")).orElseGet(() -> Health.healthy("Berth MockEngine"));
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public <F extends Feature> Optional<F> feature(Class<F> type) {
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
    script.hook("create", arguments -> hook.accept((BotSpec) arguments.get(0)));
    return this;
  }

  /** Runs {@code hook} with the id before every start; a hook that throws fails the call. */
  public MockRuntime onStart(Consumer<String> hook) {
    return onCall("start", arguments -> hook.accept((String) arguments.get(0)));
  }

  /** Runs {@code hook} with the id before every stop. */
  public MockRuntime onStop(Consumer<String> hook) {
    return onCall("stop", arguments -> hook.accept((String) arguments.get(0)));
  }

  /** Runs {@code hook} with the id before every restart. */
  public MockRuntime onRestart(Consumer<String> hook) {
    return onCall("restart", arguments -> hook.accept((String) arguments.get(0)));
  }

  /** Runs {@code hook} with the id before every delete. */
  public MockRuntime onDelete(Consumer<String> hook) {
    return onCall("delete", arguments -> hook.accept((String) arguments.get(0)));
  }

  /** Runs {@code hook} with the arguments before every call to {@code method} (one of {@link #RECORDED_METHODS}). */
  public MockRuntime onCall(String method, Consumer<List<Object>> hook) {
    script.hook(method, hook);
    return this;
  }

  /** Makes the next {@code times} calls to {@code method} throw {@code exception} without doing anything. */
  public MockRuntime failNext(String method, int times, RuntimeException exception) {
    Objects.requireNonNull(exception, "exception");
    return failNext(method, times, () -> exception);
  }

  /** As {@link #failNext(String, int, RuntimeException)}, with a fresh exception per call. */
  public MockRuntime failNext(String method, int times, Supplier<? extends RuntimeException> exception) {
    script.failNext(method, times, exception);
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
  public List<MockCall> calls() {
    return script.calls();
  }

  /** The recorded calls to {@code method}, oldest first. */
  public List<MockCall> callsTo(String method) {
    return script.callsTo(method);
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

  private <T> T call(String method, Supplier<T> body, Object... arguments) {
    return script.call(method, Arrays.asList(arguments), () -> {
      if (closed) {
        throw new RuntimeUnavailableException("This MockRuntime (scope '" + scope + "') is closed; create a new "
            + "one on the same engine to manage its bots again.");
      }
      engine.checkUp();
      return body.get();
    });
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
