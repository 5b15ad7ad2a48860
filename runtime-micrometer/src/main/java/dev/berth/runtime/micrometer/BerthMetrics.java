package dev.berth.runtime.micrometer;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.core.fleet.ReconcileListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Binds Berth to a Micrometer {@link MeterRegistry}: a {@link Runtime} and a {@link BacktestRunner} are wrapped
 * in metered decorators, and a {@link dev.berth.runtime.core.fleet.Reconciler} reports through the
 * {@link ReconcileListener} this returns. Nothing else in Berth knows about Micrometer.
 *
 * <pre>{@code
 * BerthMetrics metrics = BerthMetrics.builder(registry).scope("prod").build();
 * Runtime runtime = metrics.bind(Runtimes.create("docker", config));
 * BacktestRunner runner = metrics.bind(Runtimes.backtests("docker", config));
 * Reconciler reconciler = Reconciler.builder(runtime, desired).listener(metrics.reconcileListener()).build();
 * }</pre>
 *
 * <p>Meters, each tagged {@code scope} plus the tags given to the builder:
 * <ul>
 *   <li>{@value #BOTS} (gauge; {@code state}): the scope's bots by state, from one {@code list()} at most every
 *       {@link Builder#botsRefresh refresh interval}, however often the registry is scraped;
 *       {@value #BOTS_READ_FAILURES} (counter) counts lists that failed (the gauges keep the last counts);
 *   <li>{@value #CALLS} (timer; {@code api} = {@code runtime} or {@code backtests}, {@code operation},
 *       {@code outcome} = {@code success} or {@code error}): latency of every call;
 *   <li>{@value #ERRORS} (counter; {@code api}, {@code operation}, {@code exception}): failed calls by
 *       exception type, e.g. {@code BotNotFoundException};
 *   <li>{@value #BACKTESTS} (timer; {@code outcome} = {@code succeeded}, {@code failed}, {@code timed_out},
 *       {@code cancelled}): each backtest submitted through the metered runner, with its run time;
 *   <li>{@value #RECONCILE_PASSES} (timer; {@code trigger}, {@code outcome} = {@code complete},
 *       {@code failures} or {@code stopped}): reconcile pass durations;
 *   <li>{@value #RECONCILE_ACTIONS} (timer; {@code action}, {@code outcome}, {@code exception}): each action of a
 *       pass and how long its runtime calls took.
 * </ul>
 *
 * <p>Thread-safe; one instance may bind several runtimes and runners of the same scope.
 */
public final class BerthMetrics {
  /** Gauge: bots by state. */
  public static final String BOTS = "berth.bots";
  /** Counter: failed reads of the bot list behind {@link #BOTS}. */
  public static final String BOTS_READ_FAILURES = "berth.bots.read.failures";
  /** Timer: call latency by operation and outcome. */
  public static final String CALLS = "berth.calls";
  /** Counter: failed calls by operation and exception type. */
  public static final String ERRORS = "berth.errors";
  /** Timer: ended backtests by outcome, with their run time. */
  public static final String BACKTESTS = "berth.backtests";
  /** Timer: reconcile passes by trigger and outcome. */
  public static final String RECONCILE_PASSES = "berth.reconcile.passes";
  /** Timer: reconcile actions by action and outcome. */
  public static final String RECONCILE_ACTIONS = "berth.reconcile.actions";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Duration botsRefresh;
  private final Clock clock;

  private BerthMetrics(Builder builder) {
    this.registry = builder.registry;
    this.tags = builder.tags.and("scope", builder.scope);
    this.botsRefresh = builder.botsRefresh;
    this.clock = builder.clock;
  }

  /**
   * A builder binding to {@code registry}.
   *
   * @param registry where the meters go
   * @return the builder
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /**
   * {@code runtime}, with every call timed and its errors counted, and gauges of its bots by state; closing
   * the returned runtime removes the gauges and closes {@code runtime}.
   *
   * @param runtime the runtime to measure
   * @return a runtime delegating to {@code runtime}
   */
  public Runtime bind(Runtime runtime) {
    Objects.requireNonNull(runtime, "runtime");
    BotGauges gauges = new BotGauges(runtime, registry, tags, clock, botsRefresh);
    return new MeteredRuntime(runtime, new CallMeter(registry, "runtime", tags), gauges, registry);
  }

  /**
   * {@code runner}, with every call timed, its errors counted, and each backtest's outcome and duration.
   *
   * @param runner the runner to measure
   * @return a runner delegating to {@code runner}
   */
  public BacktestRunner bind(BacktestRunner runner) {
    Objects.requireNonNull(runner, "runner");
    return new MeteredBacktestRunner(runner, new CallMeter(registry, "backtests", tags), registry, tags);
  }

  /**
   * A listener recording a reconciler's passes and actions; give it to {@code Reconciler.Builder.listener}.
   *
   * @return a new listener
   */
  public ReconcileListener reconcileListener() {
    return new ReconcileMetrics(registry, tags);
  }

  /** Builder for {@link BerthMetrics}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private String scope = "default";
    private Duration botsRefresh = Duration.ofSeconds(15);
    private Clock clock = Clock.systemUTC();

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * The value of tag {@code scope} on every meter; {@code default} by default.
     *
     * @param scope the scope of the runtimes and runners bound
     * @return this builder
     */
    public Builder scope(String scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * A tag added to every meter, e.g. the service's name.
     *
     * @param key the tag's key
     * @param value the tag's value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      this.tags = tags.and(key, value);
      return this;
    }

    /**
     * The longest the bot gauges show a stale count (15 s by default): the runtime is listed at most this
     * often, and only when the gauges are read.
     *
     * @param refresh the refresh interval
     * @return this builder
     * @throws InvalidSpecException when it is not positive
     */
    public Builder botsRefresh(Duration refresh) {
      if (refresh == null || refresh.isNegative() || refresh.isZero()) {
        throw new InvalidSpecException("BerthMetrics",
            List.of("botsRefresh: " + refresh + " is not positive; use e.g. Duration.ofSeconds(15)"));
      }
      this.botsRefresh = refresh;
      return this;
    }

    /**
     * The clock of the bot gauges' refresh; for tests, e.g. {@code MockEngine.clock()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The binding.
     *
     * @return a binding with this builder's settings
     */
    public BerthMetrics build() {
      return new BerthMetrics(this);
    }
  }
}
