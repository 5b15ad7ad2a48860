package dev.berth.runtime.core.schedule;

import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.ScheduleManager;
import dev.berth.runtime.core.schedule.ScheduledRun.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cron schedules for any {@link BacktestRunner}: each tick submits the schedule's backtest spec under the id
 * {@code <scheduleId>-<epoch second of the tick>}, keeps the last runs with their results, skips a tick while
 * the previous run still runs (unless the schedule allows overlap), and handles missed ticks as the schedule's
 * {@link MissedRunPolicy} says. It is the {@link ScheduleManager} of every backend without native schedules
 * (mock, local, docker, apple): {@link #schedule(String, String, BotSpec)} runs the bot spec once per tick.
 *
 * <pre>{@code
 * try (BacktestRunner runner = Runtimes.backtests("docker", config);
 *      CronScheduler scheduler = CronScheduler.builder(runner).build().start()) {
 *   scheduler.schedule(CronSchedule.builder("nightly-momentum", "0 2 * * MON-FRI", spec)
 *       .zone(ZoneId.of("America/New_York")).build());
 *   ...
 *   scheduler.history("nightly-momentum").forEach(run -> log.info("{} {}", run.runId(), run.outcome()));
 * }   // close() stops the scheduler; runs already started keep running
 * }</pre>
 *
 * <p>Thread-safe. Ticks fire on one named daemon thread ({@code berth-scheduler-<name>}) after
 * {@link #start()}, or on the caller's thread in {@link #runDue()}. Schedules live in memory: a new scheduler
 * starts with none. Two schedulers with the same schedule on one scope run each tick once, since the second
 * submission of a run id is refused ({@link Outcome#NOT_STARTED}).
 */
public final class CronScheduler implements ScheduleManager, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);

  private final BacktestRunner runner;
  private final String name;
  private final Clock clock;
  private final ZoneId zone;
  private final Duration botTimeout;
  private final Map<String, ScheduleState> schedules = new ConcurrentSkipListMap<>();
  private final SchedulerLoop loop;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object firing = new Object();

  private CronScheduler(Builder builder) {
    this.runner = builder.runner;
    this.name = builder.name;
    this.clock = builder.clock;
    this.zone = builder.zone;
    this.botTimeout = builder.botTimeout;
    this.loop = new SchedulerLoop(name, clock, builder.checkEvery, this::fireDue, this::earliestDue);
  }

  /** A builder for a scheduler submitting to {@code runner}; the scheduler never closes the runner. */
  public static Builder builder(BacktestRunner runner) {
    return new Builder(runner);
  }

  /** Starts the scheduler's thread; returns this. Idempotent. */
  public synchronized CronScheduler start() {
    ensureOpen();
    if (!loop.started()) {
      loop.start();
      LOG.info("Scheduler {} started on the {} runner", name, runner.type());
    }
    return this;
  }

  /**
   * Creates or replaces a schedule; it first fires at its next tick after now. A replaced schedule keeps its
   * history and the runs it started.
   *
   * @throws RuntimeClosedException after {@link #close()}
   */
  public ScheduleManager.Schedule schedule(CronSchedule schedule) {
    Objects.requireNonNull(schedule, "schedule");
    ensureOpen();
    Instant now = clock.instant();
    ScheduleState state = schedules.compute(schedule.id(), (id, previous) ->
        previous == null ? new ScheduleState(schedule, now) : new ScheduleState(schedule, now, previous));
    loop.wake();
    LOG.debug("Schedule {} ({}, {}) next fires at {}", schedule.id(), schedule.cron(), schedule.zone(),
        state.nextDue().orElse(null));
    return state.describe();
  }

  /**
   * Runs {@code spec} once per tick as a backtest: the same workload without restart policy and ports, with
   * the scheduler's bot timeout, on the scheduler's default zone and missed-run policy {@link MissedRunPolicy#SKIP}.
   *
   * @throws dev.berth.runtime.InvalidSpecException when the id or the cron expression is not valid
   */
  @Override
  public ScheduleManager.Schedule schedule(String scheduleId, String cron, BotSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return schedule(CronSchedule.builder(scheduleId, cron, OneShot.of(spec, botTimeout)).zone(zone).build());
  }

  /** Removes the schedule; runs already started continue. A no-op when unknown. */
  @Override
  public void unschedule(String scheduleId) {
    if (schedules.remove(scheduleId) != null) {
      loop.wake();
    }
  }

  /** Every schedule, by id, with its last and next tick. */
  @Override
  public List<ScheduleManager.Schedule> list() {
    return schedules.values().stream().map(ScheduleState::describe).toList();
  }

  /** The schedule with this id, if there is one. */
  public Optional<CronSchedule> get(String scheduleId) {
    return Optional.ofNullable(schedules.get(scheduleId)).map(ScheduleState::schedule);
  }

  /** The last runs of a schedule, oldest first (at most its history size); empty when unknown. */
  public List<ScheduledRun> history(String scheduleId) {
    ScheduleState state = schedules.get(scheduleId);
    return state == null ? List.of() : state.history();
  }

  /** How many ticks of a schedule were dropped because they could not fire on time; 0 when unknown. */
  public long missedRuns(String scheduleId) {
    ScheduleState state = schedules.get(scheduleId);
    return state == null ? 0 : state.missed();
  }

  /**
   * Fires every tick due by the clock now, on the caller's thread, and returns what each did (in schedule id
   * order). The scheduler's thread does the same by itself; this is for tests on a virtual clock and for
   * callers that drive time themselves.
   *
   * @throws RuntimeClosedException after {@link #close()}
   */
  public List<ScheduledRun> runDue() {
    ensureOpen();
    return fireDue();
  }

  private List<ScheduledRun> fireDue() {
    List<ScheduledRun> fired = new ArrayList<>();
    synchronized (firing) {
      for (ScheduleState state : schedules.values()) {
        if (closed.get()) {
          break;
        }
        Instant now = clock.instant();
        state.take(now).ifPresent(tick -> fired.add(fire(state, tick, now)));
      }
    }
    return fired;
  }

  private ScheduledRun fire(ScheduleState state, ScheduleState.Tick tick, Instant now) {
    CronSchedule schedule = state.schedule();
    String runId = schedule.id() + "-" + tick.due().getEpochSecond();
    if (tick.missed() > 0) {
      LOG.warn("Schedule {} missed {} tick(s) before {}; running that one only", schedule.id(), tick.missed(),
          tick.due());
    }
    Optional<String> blocking = state.blockingRun();
    if (blocking.isPresent()) {
      ScheduledRun skipped = run(schedule, runId, tick, now, Outcome.SKIPPED,
          "the previous run " + blocking.get() + " is still running and the schedule does not allow overlap");
      state.record(skipped);
      LOG.info("Schedule {} skipped {}: {}", schedule.id(), runId, skipped.message());
      return skipped;
    }
    BacktestExecution execution;
    try {
      execution = runner.submit(schedule.spec().toBuilder().id(runId).build());
    } catch (BacktestAlreadyExistsException e) {
      return notStarted(state, run(schedule, runId, tick, now, Outcome.NOT_STARTED,
          "a backtest " + runId + " exists already (another scheduler ran this tick, or it was kept)"));
    } catch (RuntimeException e) {
      return notStarted(state, run(schedule, runId, tick, now, Outcome.NOT_STARTED,
          "the runner refused the submission: " + e.getMessage()));
    }
    ScheduledRun started = run(schedule, runId, tick, now, Outcome.RUNNING, "");
    state.started(started, execution);
    LOG.debug("Schedule {} started {}", schedule.id(), runId);
    execution.result().whenComplete((result, failure) -> {
      if (result != null) {
        state.ended(started.ended(result));
      } else {
        state.ended(new ScheduledRun(schedule.id(), runId, tick.due(), now, Outcome.FAILED, Optional.empty(),
            "waiting for the result failed: " + failure.getMessage()));
      }
    });
    return started;
  }

  private static ScheduledRun run(CronSchedule schedule, String runId, ScheduleState.Tick tick, Instant now,
      Outcome outcome, String message) {
    return new ScheduledRun(schedule.id(), runId, tick.due(), now, outcome, Optional.empty(), message);
  }

  private static ScheduledRun notStarted(ScheduleState state, ScheduledRun run) {
    state.record(run);
    LOG.warn("Schedule {} could not start {}: {}", run.scheduleId(), run.runId(), run.message());
    return run;
  }

  private Optional<Instant> earliestDue() {
    return schedules.values().stream().map(ScheduleState::nextDue).flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
  }

  /** Stops the scheduler; runs already started keep running. Idempotent. */
  @Override
  public void close() {
    close(false);
  }

  /**
   * Stops the scheduler, and with {@code cancelRunning} cancels the runs it started that are still running.
   * Idempotent; a second call with {@code cancelRunning} still cancels.
   */
  public void close(boolean cancelRunning) {
    if (closed.compareAndSet(false, true)) {
      loop.stop();
      LOG.info("Scheduler {} stopped", name);
    }
    if (cancelRunning) {
      synchronized (firing) {
        schedules.values().stream().flatMap(state -> state.running().stream()).forEach(this::cancelQuietly);
      }
    }
  }

  private void cancelQuietly(BacktestExecution execution) {
    try {
      execution.cancel();
    } catch (RuntimeException e) {
      LOG.warn("Cancelling the scheduled run {} failed: {}", execution.id(), e.getMessage());
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new RuntimeClosedException("The scheduler " + name + " is closed; build a new one");
    }
  }

  /** {@code CronScheduler[name, 3 schedules, on mock]}. */
  @Override
  public String toString() {
    return "CronScheduler[" + name + ", " + schedules.size() + " schedules, on " + runner.type() + "]";
  }

  /** Builder for {@link CronScheduler}. */
  public static final class Builder {
    private final BacktestRunner runner;
    private String name = "default";
    private Clock clock = Clock.systemUTC();
    private ZoneId zone = ZoneOffset.UTC;
    private Duration checkEvery = Duration.ofSeconds(30);
    private Duration botTimeout = BacktestSpec.DEFAULT_TIMEOUT;

    private Builder(BacktestRunner runner) {
      this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** Names the scheduler in its thread's name and in logs; {@code default} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The clock ticks are read on; for tests, e.g. {@code MockEngine.clock()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The zone of schedules made by {@link CronScheduler#schedule(String, String, BotSpec)}; UTC by default. */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * The longest the thread waits before looking at the clock again (30 s by default), however far the next
     * tick is: bounds how late a tick fires after the clock jumps.
     */
    public Builder checkEvery(Duration checkEvery) {
      if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
        throw new InvalidSpecException("CronScheduler",
            List.of("checkEvery: " + checkEvery + " is not positive; use e.g. Duration.ofSeconds(30)"));
      }
      this.checkEvery = checkEvery;
      return this;
    }

    /** The timeout of each run of a bot spec scheduled through {@link ScheduleManager}; one hour by default. */
    public Builder botTimeout(Duration botTimeout) {
      if (botTimeout == null || botTimeout.isNegative() || botTimeout.isZero()) {
        throw new InvalidSpecException("CronScheduler",
            List.of("botTimeout: " + botTimeout + " is not positive; use e.g. Duration.ofMinutes(30)"));
      }
      this.botTimeout = botTimeout;
      return this;
    }

    /** The scheduler, not started yet (see {@link CronScheduler#start()}). */
    public CronScheduler build() {
      return new CronScheduler(this);
    }
  }
}
