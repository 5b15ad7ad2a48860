package dev.berth.runtime.testkit;

import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.ScheduleManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The in-memory stand-in for a Docker daemon: holds every bot and backtest of every scope. Several
 * {@link MockRuntime}s and {@link MockBacktestRunner}s on one engine behave like several JVMs on one
 * daemon: a runtime sees only its scope, and a new runtime of a scope re-adopts the bots an earlier,
 * closed one created.
 *
 * <pre>{@code
 * MockEngine engine = new MockEngine();
 * try (MockRuntime first = MockRuntime.builder().engine(engine).scope("svc").build()) {
 *   first.create(spec);
 *   first.start(spec.id());
 * }
 * MockRuntime second = MockRuntime.builder().engine(engine).scope("svc").build();
 * assertThat(second.status(spec.id()).isRunning()).isTrue();   // re-adopted
 * engine.simulateDown("dockerd was restarted");                  // every call now throws
 * }</pre>
 *
 * <p>Time is virtual by default: the engine's {@link #clock()} runs with the system clock (or the clock given
 * to the constructor), and a mock never sleeps. A stop of a bot that ignores SIGTERM moves the clock through
 * the grace at once (the bot's finish time is the grace after the stop), and a thread waiting for a backtest
 * ({@code await}, {@code run}) moves it to the backtest's scripted end or timeout. {@link #advance} moves it
 * explicitly. Moving the clock is engine-wide: whatever falls due on the way (another backtest's end or
 * timeout) happens too. Polling callers see everything happen in real time as before. A test that needs the
 * waits to take real time (another thread must cancel a backtest while one awaits it, say) uses
 * {@link #realTime()}.
 *
 * <p>Thread-safe. Calls for one id are serialised by a per-id lock that all runtimes on the engine share.
 */
public final class MockEngine {
  private static final Map<String, MockEngine> NAMED = new ConcurrentHashMap<>();
  private static final AtomicLong ENGINES = new AtomicLong();

  private final MockTime time;
  private final Map<String, MockBot> bots = new ConcurrentHashMap<>();
  private final Map<String, MockBacktest> backtests = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final AtomicLong nativeIds = new AtomicLong();
  private final MockEvents events = new MockEvents();
  private final MockNetworks networks = new MockNetworks();
  private final Map<String, ScheduleManager.Schedule> schedules = new ConcurrentHashMap<>();
  private volatile String downReason;
  private volatile String name = "#" + ENGINES.incrementAndGet();

  /** An empty engine with virtual time on the system clock (UTC). */
  public MockEngine() {
    this(Clock.systemUTC());
  }

  /**
   * An empty engine with virtual time on {@code clock}: log lines and times are stamped with {@code clock}
   * plus the time skipped so far (with a fixed clock, every timestamp is deterministic).
   */
  public MockEngine(Clock clock) {
    this(new MockTime(clock, true));
  }

  private MockEngine(MockTime time) {
    this.time = time;
  }

  /**
   * An empty engine on the system clock whose waits take real time: a stop of a bot that ignores SIGTERM
   * blocks for the grace, and a wait for a backtest blocks until it ends. {@link #advance} still works.
   */
  public static MockEngine realTime() {
    return new MockEngine(new MockTime(Clock.systemUTC(), false));
  }

  /**
   * The engine of this name, shared JVM-wide; {@code Runtimes.create("mock", config)} uses the one named by
   * config key {@code mock.engine} (default {@code default}).
   */
  public static MockEngine named(String name) {
    return NAMED.computeIfAbsent(name, n -> {
      MockEngine engine = new MockEngine();
      engine.name = "'" + n + "'";
      return engine;
    });
  }

  /** {@code MockEngine['default']} for a named engine, {@code MockEngine[#3]} for others. */
  @Override
  public String toString() {
    return "MockEngine[" + name + "]";
  }

  /** The clock that stamps log lines, start and finish times: the base clock plus the time skipped so far. */
  public Clock clock() {
    return time.clock();
  }

  /** Whether this engine's waits take real time ({@link #realTime()}) instead of moving the clock. */
  public boolean keepsRealTime() {
    return !time.virtual();
  }

  /**
   * Moves the clock forward by {@code amount} at once: scripted backtest ends, backtest timeouts and delayed
   * bot exits that fall due in that time happen (shortly after this returns, on the engine's timer thread).
   *
   * <pre>{@code
   * runner.script("bt-1", MockBacktestOutcome.success("{}").after(Duration.ofMinutes(40)));
   * runner.submit(spec);
   * engine.advance(Duration.ofMinutes(40));   // bt-1 succeeds now, not in 40 minutes
   * }</pre>
   *
   * @throws IllegalArgumentException when {@code amount} is negative
   */
  public void advance(Duration amount) {
    time.skip(java.util.Objects.requireNonNull(amount, "amount"));
  }

  /** From now on health checks fail with {@code reason} and every call throws RuntimeUnavailableException. */
  public void simulateDown(String reason) {
    this.downReason = reason;
  }

  /** Ends {@link #simulateDown}. */
  public void simulateUp() {
    this.downReason = null;
  }

  /** Why the engine is down, or empty while it is up. */
  public Optional<String> downReason() {
    return Optional.ofNullable(downReason);
  }

  /** The scopes that hold bots or backtests now, sorted. */
  public java.util.SortedSet<String> scopes() {
    java.util.SortedSet<String> scopes = new java.util.TreeSet<>();
    bots.values().forEach(bot -> scopes.add(bot.scope));
    backtests.values().forEach(backtest -> scopes.add(backtest.scope));
    return scopes;
  }

  /** The statuses of the bots of {@code scope}, sorted by id; for assertions that bypass any runtime. */
  public List<BotStatus> bots(String scope) {
    return bots.values().stream().filter(bot -> bot.scope.equals(scope)).map(MockBot::status)
        .sorted(Comparator.comparing(BotStatus::id)).collect(Collectors.toList());
  }

  /** The ids of the backtests of {@code scope} that still hold a workload (have not been cleaned up). */
  public List<String> backtestWorkloads(String scope) {
    return backtests.values().stream().filter(b -> b.scope.equals(scope) && b.workloadPresent())
        .map(b -> b.spec().id()).sorted().collect(Collectors.toList());
  }

  /**
   * Removes a bot behind every runtime's back, as {@code docker rm -f} would: followers of its logs end, and
   * runtimes report it as not found.
   *
   * @return whether there was such a bot
   */
  public boolean removeBehindTheRuntimesBack(String scope, String botId) {
    return withLock(botKey(scope, botId), () -> {
      MockBot removed = bots.remove(botKey(scope, botId));
      if (removed != null) {
        removed.markRemoved();
      }
      return removed != null;
    });
  }

  /** Removes every bot and backtest of every scope. */
  public void clear() {
    new ArrayList<>(bots.keySet()).forEach(key -> Optional.ofNullable(bots.remove(key)).ifPresent(MockBot::markRemoved));
    backtests.clear();
  }

  void checkUp() {
    String reason = downReason;
    if (reason != null) {
      throw new RuntimeUnavailableException("The mock engine is down (" + reason + "). This was simulated by "
          + "MockEngine.simulateDown; call simulateUp() to bring it back.");
    }
  }

  static String botKey(String scope, String id) {
    return "bot/" + scope + "/" + id;
  }

  static String backtestKey(String scope, String id) {
    return "backtest/" + scope + "/" + id;
  }

  /** Runs {@code body} holding the lock of {@code key}; the same lock for every runtime on this engine. */
  <T> T withLock(String key, Supplier<T> body) {
    ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  Map<String, MockBot> botTable() {
    return bots;
  }

  Map<String, MockBacktest> backtestTable() {
    return backtests;
  }

  String nextNativeId(String prefix) {
    return prefix + "-" + String.format("%08x", nativeIds.incrementAndGet());
  }

  MockTime time() {
    return time;
  }

  MockEvents events() {
    return events;
  }

  MockNetworks networks() {
    return networks;
  }

  /** Schedules keyed {@code scope/id}. */
  Map<String, ScheduleManager.Schedule> schedules() {
    return schedules;
  }
}
