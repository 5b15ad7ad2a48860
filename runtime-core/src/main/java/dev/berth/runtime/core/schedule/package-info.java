/**
 * Cron schedules on any backtest runner: the {@link dev.berth.runtime.core.schedule.CronScheduler} (the
 * {@link dev.berth.runtime.ScheduleManager} of backends without native schedules), the
 * {@link dev.berth.runtime.core.schedule.CronExpression cron syntax} it reads, what one
 * {@link dev.berth.runtime.core.schedule.CronSchedule schedule} runs, and the
 * {@link dev.berth.runtime.core.schedule.ScheduledRun runs} it keeps.
 */
package dev.berth.runtime.core.schedule;
