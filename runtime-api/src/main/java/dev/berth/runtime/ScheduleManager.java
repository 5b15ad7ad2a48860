package dev.berth.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Runs a bot spec on a cron schedule (native CronJobs on Kubernetes). */
public interface ScheduleManager extends Feature {
  /**
   * Creates or replaces the schedule.
   *
   * @param scheduleId a DNS-1123 label
   * @param cron a five-field cron expression, e.g. {@code 0 6 * * 1-5}
   * @param spec what to run; each run gets the id {@code <scheduleId>-<n>}
   */
  Schedule schedule(String scheduleId, String cron, BotSpec spec);

  /** Removes the schedule (runs already started continue); a no-op when unknown. */
  void unschedule(String scheduleId);

  /** The schedules of this runtime's scope. */
  List<Schedule> list();

  /**
   * A schedule.
   *
   * @param id its id
   * @param cron its cron expression
   * @param lastRun when it last fired
   * @param nextRun when it fires next
   */
  record Schedule(String id, String cron, Optional<Instant> lastRun, Optional<Instant> nextRun) {
    public Schedule {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(cron, "cron");
      Objects.requireNonNull(lastRun, "lastRun");
      Objects.requireNonNull(nextRun, "nextRun");
    }
  }
}
