package dev.berth.runtime.core.schedule;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.ScheduleManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One schedule's bookkeeping: the next tick, the runs still running, the last runs. Guarded by its own
 * monitor: the scheduler's thread takes ticks while backtests end on the runner's threads.
 */
final class ScheduleState {
  /** A tick taken: when it was due, and how many older ticks were dropped with it. */
  record Tick(Instant due, long missed) {}

  private final CronSchedule schedule;
  private final ArrayDeque<ScheduledRun> history = new ArrayDeque<>();
  private final Map<String, BacktestExecution> running = new LinkedHashMap<>();
  private Instant nextDue;
  private Instant lastRun;
  private long missed;

  ScheduleState(CronSchedule schedule, Instant now) {
    this.schedule = schedule;
    this.nextDue = schedule.cron().nextAfter(now, schedule.zone()).orElse(null);
  }

  /** A replacement of {@code previous}: its history and running runs carry over, its ticks do not. */
  ScheduleState(CronSchedule schedule, Instant now, ScheduleState previous) {
    this(schedule, now);
    synchronized (previous) {
      history.addAll(previous.history);
      running.putAll(previous.running);
      lastRun = previous.lastRun;
      missed = previous.missed;
    }
    trim();
  }

  CronSchedule schedule() {
    return schedule;
  }

  synchronized Optional<Instant> nextDue() {
    return Optional.ofNullable(nextDue);
  }

  /**
   * The tick to fire now, if one is due: the most recent due tick, unless it is later than the grace under
   * {@link MissedRunPolicy#SKIP}. Every older due tick is counted as missed.
   */
  synchronized Optional<Tick> take(Instant now) {
    if (nextDue == null || nextDue.isAfter(now)) {
      return Optional.empty();
    }
    Instant latest = nextDue;
    long dropped = 0;
    Optional<Instant> following = schedule.cron().nextAfter(latest, schedule.zone());
    while (following.isPresent() && !following.get().isAfter(now)) {
      latest = following.get();
      dropped++;
      following = schedule.cron().nextAfter(latest, schedule.zone());
    }
    nextDue = following.orElse(null);
    boolean late = Duration.between(latest, now).compareTo(schedule.grace()) > 0;
    if (late && schedule.missedRuns() == MissedRunPolicy.SKIP) {
      missed += dropped + 1;
      return Optional.empty();
    }
    missed += dropped;
    lastRun = latest;
    return Optional.of(new Tick(latest, dropped));
  }

  /** The id of a run still running, when the schedule does not allow a second one. */
  synchronized Optional<String> blockingRun() {
    return schedule.allowOverlap() || running.isEmpty() ? Optional.empty()
        : Optional.of(running.keySet().iterator().next());
  }

  synchronized void started(ScheduledRun run, BacktestExecution execution) {
    running.put(run.runId(), execution);
    record(run);
  }

  synchronized void record(ScheduledRun run) {
    history.addLast(run);
    trim();
  }

  /** A run ended: it replaces its entry, wherever that is in the history. */
  synchronized void ended(ScheduledRun run) {
    running.remove(run.runId());
    List<ScheduledRun> runs = new ArrayList<>(history);
    history.clear();
    for (ScheduledRun previous : runs) {
      history.addLast(previous.runId().equals(run.runId()) && !previous.outcome().isFinal() ? run : previous);
    }
  }

  synchronized List<ScheduledRun> history() {
    return List.copyOf(history);
  }

  synchronized List<BacktestExecution> running() {
    return List.copyOf(running.values());
  }

  synchronized long missed() {
    return missed;
  }

  synchronized ScheduleManager.Schedule describe() {
    return new ScheduleManager.Schedule(schedule.id(), schedule.cron().toString(), Optional.ofNullable(lastRun),
        Optional.ofNullable(nextDue));
  }

  private void trim() {
    while (history.size() > schedule.historySize()) {
      history.removeFirst();
    }
  }
}
