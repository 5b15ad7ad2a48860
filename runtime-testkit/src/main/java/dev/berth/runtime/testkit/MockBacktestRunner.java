package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.Health;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An in-memory {@link BacktestRunner}: deterministic, thread-safe, recording, and strict enough to pass
 * {@link BacktestRunnerConformanceKit}. A backtest ends as its {@link MockWorkloads} options say (without
 * options it succeeds at once, without a result) unless an outcome is scripted for its id. Timeouts and
 * scripted run times run on the engine's clock: polling sees them pass in real time, while a thread that
 * waits for a backtest ({@link BacktestExecution#await()}, {@code await(maxWait)}, {@link #run}) moves the
 * clock to its end instead of sleeping (unless the engine keeps {@link MockEngine#realTime() real time}).
 * A code bundle that cannot be materialised, an entrypoint missing from it, or a program that is not on the
 * {@code PATH} (a spec without an image) does not fail {@code submit}: as on the real engine, the backtest
 * ends FAILED "could not start", whatever outcome is scripted for it. After {@link #close()} every call but
 * {@code close()}, {@code type()} and {@code health()} throws
 * {@link dev.berth.runtime.RuntimeClosedException}, as on every backend.
 *
 * <pre>{@code
 * MockBacktestRunner runner = new MockBacktestRunner();
 * runner.script("bt-1", MockBacktestOutcome.success("{\"pnl\":12.5}"));
 * BacktestSpec spec = BacktestSpec.builder("bt-1").image("registry/backtest:3").command("backtest").build();
 * BacktestResult result = runner.run(spec);
 * assertThat(result).succeeded().hasResultJsonContaining("pnl");
 * }</pre>
 */
public final class MockBacktestRunner implements BacktestRunner {
  /**
   * The methods a {@link MockBacktestRunner} records and can script, each typed by its argument: the spec for
   * {@link #SUBMIT}, the options for {@link #LOGS}, and the id for calls that take only an id.
   *
   * <pre>{@code
   * runner.failNext(MockBacktestRunner.Call.SUBMIT, new RuntimeUnavailableException("queue full"));
   * }</pre>
   *
   * @param <A> the type of the method's argument
   */
  public static final class Call<A> implements MockCall.Method<A> {
    /** {@link MockBacktestRunner#submit} and {@code run}; the argument is the spec. */
    public static final Call<BacktestSpec> SUBMIT = new Call<>("submit");
    /** {@link MockBacktestRunner#status}; the argument is the id. */
    public static final Call<String> STATUS = new Call<>("status");
    /** {@link MockBacktestRunner#logs}; the argument is the options. */
    public static final Call<LogOptions> LOGS = new Call<>("logs");
    /** {@link MockBacktestRunner#cancel}; the argument is the id. */
    public static final Call<String> CANCEL = new Call<>("cancel");
    /** {@link MockBacktestRunner#delete}; the argument is the id. */
    public static final Call<String> DELETE = new Call<>("delete");

    private final String name;

    private Call(String name) {
      this.name = name;
    }

    /** Every method, in declaration order. */
    public static List<Call<?>> values() {
      return List.of(SUBMIT, STATUS, LOGS, CANCEL, DELETE);
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
  private final Map<String, MockBacktest> table;
  private final Map<String, MockBacktestOutcome> scripted = new ConcurrentHashMap<>();
  private final CallScript script;
  private final List<MockExecution> executions = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<Object, Stream<LogLine>> follows = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A runner of scope {@code default} on a fresh engine of its own. */
  public MockBacktestRunner() {
    this(new MockEngine(), "default");
  }

  /** A runner of {@code scope} on {@code engine}; it takes over the timeouts of backtests still running. */
  public MockBacktestRunner(MockEngine engine, String scope) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.scope = dev.berth.runtime.RuntimeConfig.of(Map.of("scope", scope)).scope();
    this.table = engine.backtestTable();
    this.script = new CallScript("MockBacktestRunner", engine.clock(), true);
    table.values().stream().filter(b -> b.scope.equals(scope) && b.state() == BacktestState.RUNNING)
        .forEach(this::arm);
  }

  /** The engine holding this runner's backtests. */
  public MockEngine engine() {
    return engine;
  }

  /** This runner's scope. */
  public String scope() {
    return scope;
  }

  @Override
  public String type() {
    return "mock";
  }

  @Override
  public BacktestExecution submit(BacktestSpec spec) {
    return call(Call.SUBMIT, spec == null ? "" : spec.id(), spec, () -> {
      Objects.requireNonNull(spec, "spec");
      MockBehaviour behaviour = MockBehaviour.of(spec);
      MockBacktestOutcome script = scripted.get(spec.id());
      // A scripted outcome replaces what the options say, output included.
      MockBacktestOutcome outcome = script != null ? script : MockBacktestOutcome.of(behaviour);
      List<MockBehaviour.Output> output = script != null ? List.of() : behaviour.output(spec);
      MockBacktest backtest = engine.withLock(key(spec.id()), () -> {
        if (table.containsKey(key(spec.id()))) {
          throw new BacktestAlreadyExistsException(spec.id(), scope);
        }
        MockBacktest created = new MockBacktest(scope, spec, outcome, output, engine.nextNativeId("mockbt"));
        table.put(key(spec.id()), created);
        start(created);
        return created;
      });
      MockExecution execution = new MockExecution(backtest, engine.time(),
          () -> engine.withLock(key(backtest.spec().id()), () -> cancel(backtest)));
      executions.add(execution);
      return execution;
    });
  }

  @Override
  public BacktestStatus status(String backtestId) {
    return call(Call.STATUS, backtestId, backtestId, () -> find(checked(backtestId)).status());
  }

  @Override
  public Stream<LogLine> logs(String backtestId, LogOptions options) {
    Stream<LogLine> lines = call(Call.LOGS, String.valueOf(backtestId), options,
        () -> find(checked(backtestId)).log.stream(Objects.requireNonNull(options, "options")));
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
  public void cancel(String backtestId) {
    call(Call.CANCEL, backtestId, backtestId,
        () -> engine.withLock(key(checked(backtestId)), () -> cancel(find(backtestId))));
  }

  @Override
  public void delete(String backtestId) {
    call(Call.DELETE, backtestId, backtestId, () -> engine.withLock(key(checked(backtestId)), () -> {
      MockBacktest removed = table.remove(key(backtestId));
      if (removed != null) {
        cancel(removed);
        removed.remove();
      }
      return null;
    }));
  }

  /** Healthy unless the engine is simulated down or this runner is closed; never throws. */
  @Override
  public Health health() {
    if (closed) {
      return Health.unhealthy("closed: this mock backtest runner (scope '" + scope + "') was closed; create a "
          + "new one");
    }
    return engine.downReason().map(reason -> Health.unhealthy("The mock engine is down (" + reason
        + "); call MockEngine.simulateUp()")).orElseGet(() -> Health.healthy("Berth MockEngine"));
  }

  /** {@code MockBacktestRunner[scope=default, engine=MockEngine[#1]]}. */
  @Override
  public String toString() {
    return "MockBacktestRunner[scope=" + scope + ", engine=" + engine + (closed ? ", closed" : "") + "]";
  }

  /**
   * Drops this runner's pending ends and timeouts; running backtests keep running and the next runner times
   * them out. Waiters on this runner's executions that have not ended get a {@link RuntimeOperationException}.
   */
  @Override
  public synchronized void close() {
    closed = true;
    table.values().forEach(backtest -> backtest.cancelTimers(this));
    executions.forEach(execution -> execution.abandon(scope));
    follows.values().forEach(Stream::close);
  }

  // ---- scripting ----

  /** Backtests submitted with {@code id} from now on end as {@code outcome}, whatever their options say. */
  public MockBacktestRunner script(String id, MockBacktestOutcome outcome) {
    scripted.put(id, Objects.requireNonNull(outcome, "outcome"));
    return this;
  }

  /** Runs {@code hook} with the spec before every submit; a hook that throws fails the call. */
  public MockBacktestRunner onSubmit(Consumer<BacktestSpec> hook) {
    return onCall(Call.SUBMIT, (id, spec) -> hook.accept(spec));
  }

  /** Runs {@code hook} with the id and the argument before every call to {@code call}. */
  public <A> MockBacktestRunner onCall(Call<A> call, BiConsumer<String, ? super A> hook) {
    script.hook(call, hook);
    return this;
  }

  /** Makes the next call to {@code call} throw {@code exception} without doing anything. */
  public MockBacktestRunner failNext(Call<?> call, RuntimeException exception) {
    return failNext(call, 1, exception);
  }

  /** Makes the next {@code times} calls to {@code call} throw {@code exception} without doing anything. */
  public MockBacktestRunner failNext(Call<?> call, int times, RuntimeException exception) {
    Objects.requireNonNull(exception, "exception");
    return failNext(call, times, () -> exception);
  }

  /** As {@link #failNext(Call, int, RuntimeException)}, with a fresh exception per call. */
  public MockBacktestRunner failNext(Call<?> call, int times, Supplier<? extends RuntimeException> exception) {
    script.failNext(call, times, exception);
    return this;
  }

  /** Appends stdout lines to a running or finished backtest's log. */
  public MockBacktestRunner appendLog(String backtestId, String... lines) {
    MockBacktest backtest = find(backtestId);
    Arrays.stream(lines).forEach(line -> backtest.print(LogStream.STDOUT, line, now()));
    return this;
  }

  /** Every recorded call, oldest first. */
  public List<MockCall<?>> calls() {
    return script.calls();
  }

  /** The recorded calls to {@code call}, oldest first, typed by its argument. */
  public <A> List<MockCall<A>> calls(Call<A> call) {
    return script.calls(call);
  }

  /** The arguments of the recorded calls to {@code call} about {@code backtestId}, oldest first. */
  public <A> List<A> recorded(Call<A> call, String backtestId) {
    return script.calls(call).stream().filter(each -> each.id().equals(backtestId)).map(MockCall::argument)
        .collect(java.util.stream.Collectors.toList());
  }

  /**
   * The oldest recorded call no earlier {@code takeCall} returned, waiting up to {@code timeout} for one.
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
   * scheduler.kickOff();                           // submits from its own thread
   * BacktestSpec submitted = runner.takeCall(SUBMIT, Duration.ofSeconds(5)).argument();
   * }</pre>
   *
   * @throws AssertionError when no such call arrives in time; it lists every recorded call
   */
  public <A> MockCall<A> takeCall(Call<A> call, Duration timeout) {
    return script.take(Objects.requireNonNull(call, "call"), timeout).as(call);
  }

  /** Forgets recorded calls, hooks, scripted failures and scripted outcomes; backtests stay. */
  public MockBacktestRunner reset() {
    script.reset();
    scripted.clear();
    return this;
  }

  /** The ids of this scope's backtests that are PENDING or RUNNING. */
  public List<String> activeBacktests() {
    return table.values().stream().filter(b -> b.scope.equals(scope) && !b.state().isTerminal())
        .map(b -> b.spec().id()).sorted().collect(java.util.stream.Collectors.toList());
  }

  /**
   * Why the backtest cannot even start, as the real engine says it when materialising the code or launching
   * the program fails: it then ends FAILED, after {@code submit} returned, without an exit code.
   */
  private static Optional<String> launchFailure(BacktestSpec spec) {
    try {
      MockCode.checkBundle(spec);
    } catch (InvalidSpecException e) {
      return Optional.of("could not start: " + e.getMessage());
    }
    return MockCode.program(spec).filter(MockCode.ProgramProblem::launchFails)
        .map(problem -> "could not start: " + problem.message());
  }

  /** Starts a submitted backtest: it fails as the real engine fails it, or it runs its outcome. */
  private void start(MockBacktest backtest) {
    BacktestSpec spec = backtest.spec();
    Optional<String> couldNotStart = launchFailure(spec);
    Optional<MockCode.ProgramProblem> program = MockCode.program(spec);
    if (couldNotStart.isPresent()) {
      backtest.finish(BacktestState.FAILED, OptionalInt.empty(), Optional.empty(), couldNotStart.get(), now());
    } else if (program.isPresent()) {
      backtest.running(now());
      backtest.finish(BacktestState.FAILED, OptionalInt.of(MockCode.NOT_FOUND), Optional.empty(),
          "exited with code " + MockCode.NOT_FOUND + " (" + program.get().message() + ")", now());
    } else {
      launch(backtest);
    }
  }

  private void launch(MockBacktest backtest) {
    backtest.running(now());
    MockBacktestOutcome outcome = backtest.outcome();
    backtest.output().forEach(out -> backtest.print(out.stream(), out.text(), now()));
    outcome.logLines().forEach(line -> backtest.print(LogStream.STDOUT, line, now()));
    if (outcome.state() != BacktestState.RUNNING && outcome.duration().isZero()) {
      end(backtest);
    } else {
      arm(backtest);
    }
  }

  /** Schedules the scripted end and the timeout, measured from the backtest's start. */
  private void arm(MockBacktest backtest) {
    Instant started = Optional.ofNullable(backtest.startedAt()).orElse(now());
    MockBacktestOutcome outcome = backtest.outcome();
    if (outcome.state() != BacktestState.RUNNING) {
      schedule(backtest, outcome.duration().minus(Duration.between(started, now())), () -> end(backtest));
    }
    Duration timeout = backtest.spec().timeout();
    // Measured as what is left of it rather than as an instant: a timeout of centuries overflows an Instant.
    schedule(backtest, timeout.minus(Duration.between(started, now())), () -> backtest.finish(
        BacktestState.TIMED_OUT, OptionalInt.empty(), Optional.empty(), "timed out after " + timeout + "; killed",
        now()));
  }

  private void end(MockBacktest backtest) {
    MockBacktestOutcome outcome = backtest.outcome();
    backtest.finish(outcome.state(), outcome.exitCode(), outcome.resultJson(), outcome.state()
        == BacktestState.SUCCEEDED ? "" : "exited with code " + outcome.exitCode().orElse(-1), now());
  }

  private Object cancel(MockBacktest backtest) {
    backtest.finish(BacktestState.CANCELLED, OptionalInt.empty(), Optional.empty(), "cancelled on request", now());
    return null;
  }

  private synchronized void schedule(MockBacktest backtest, Duration delay, Runnable task) {
    if (!closed) {
      backtest.addTimer(engine.time().schedule(delay, task), this);
    }
  }

  private MockBacktest find(String id) {
    MockBacktest backtest = table.get(key(id));
    if (backtest == null) {
      throw new BacktestNotFoundException(id, scope);
    }
    return backtest;
  }

  private static String checked(String id) {
    return WorkloadKind.BACKTEST.requireValidId(id);
  }

  private String key(String id) {
    return MockEngine.backtestKey(scope, id);
  }

  private Instant now() {
    return engine.clock().instant();
  }

  private <A, T> T call(Call<A> method, String id, A argument, Supplier<T> body) {
    return script.call(method, id, argument, () -> {
      if (closed) {
        throw RuntimeClosedException.backtestRunner("mock", scope);
      }
      engine.checkUp();
      return body.get();
    });
  }
}
