package dev.berth.runtime.core.schedule;

/**
 * What a {@link CronScheduler} does with ticks it could not fire on time: the process was suspended, a
 * collection paused it, the clock jumped, or the scheduler was busy. Only the most recent missed tick is ever
 * considered; older ones are counted and dropped, so a scheduler that wakes after a day never floods the runner.
 */
public enum MissedRunPolicy {
  /** A tick later than the schedule's grace is dropped; the next run is the next tick on time. */
  SKIP,
  /** The most recent missed tick runs once, however late; older missed ticks are dropped. */
  RUN_ONCE
}
