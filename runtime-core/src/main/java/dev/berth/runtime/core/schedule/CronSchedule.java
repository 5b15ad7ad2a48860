package dev.berth.runtime.core.schedule;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.WorkloadKind;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link CronScheduler} runs and when: a backtest spec (its id is replaced by each run's id) on a cron
 * expression read in a time zone.
 *
 * <pre>{@code
 * CronSchedule nightly = CronSchedule.builder("nightly-momentum", "0 2 * * *", spec)
 *     .zone(ZoneId.of("America/New_York"))
 *     .missedRuns(MissedRunPolicy.RUN_ONCE)
 *     .build();
 * }</pre>
 *
 * @param id a DNS-1123 label of at most {@value #MAX_ID_LENGTH} characters (each run appends its tick)
 * @param cron when it fires
 * @param spec what each run submits; its id is replaced by the run's id
 * @param zone the wall clock {@code cron} is read on
 * @param missedRuns what to do with a tick that could not fire on time
 * @param grace how late a tick may still fire under {@link MissedRunPolicy#SKIP}
 * @param allowOverlap whether a tick runs while the previous run is still running
 * @param historySize how many runs {@link CronScheduler#history} keeps
 */
public record CronSchedule(String id, CronExpression cron, BacktestSpec spec, ZoneId zone,
    MissedRunPolicy missedRuns, Duration grace, boolean allowOverlap, int historySize) {
  /** Leaves room for {@code -<epoch second>} within the 63 characters of a workload id. */
  public static final int MAX_ID_LENGTH = 52;
  /** The grace when none is given. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);
  /** The history size when none is given. */
  public static final int DEFAULT_HISTORY_SIZE = 20;

  public CronSchedule {
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(missedRuns, "missedRuns");
    Objects.requireNonNull(grace, "grace");
    List<String> problems = new ArrayList<>();
    if (id == null || id.length() > MAX_ID_LENGTH || !WorkloadKind.isValidId(id)) {
      problems.add("id: '" + id + "' is not a DNS-1123 label of at most " + MAX_ID_LENGTH
          + " characters; use lower-case letters, digits and '-'");
    }
    if (grace.isNegative()) {
      problems.add("grace: " + grace + " is negative; give a duration such as Duration.ofMinutes(1)");
    }
    if (historySize < 1 || historySize > 10_000) {
      problems.add("historySize: " + historySize + " is out of range; keep from 1 to 10000 runs");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException("CronSchedule", problems);
    }
  }

  /**
   * A builder for a schedule firing on {@code cron} in UTC, skipping ticks more than a minute late, without
   * overlapping runs, keeping the last {@value #DEFAULT_HISTORY_SIZE} runs.
   *
   * @throws InvalidSpecException when {@code cron} does not parse
   */
  public static Builder builder(String id, String cron, BacktestSpec spec) {
    return new Builder(id, CronExpression.parse(cron), spec);
  }

  /** Builder for {@link CronSchedule}. */
  public static final class Builder {
    private final String id;
    private final CronExpression cron;
    private final BacktestSpec spec;
    private ZoneId zone = ZoneOffset.UTC;
    private MissedRunPolicy missedRuns = MissedRunPolicy.SKIP;
    private Duration grace = DEFAULT_GRACE;
    private boolean allowOverlap;
    private int historySize = DEFAULT_HISTORY_SIZE;

    private Builder(String id, CronExpression cron, BacktestSpec spec) {
      this.id = id;
      this.cron = cron;
      this.spec = spec;
    }

    /** The wall clock the expression is read on; UTC by default. */
    public Builder zone(ZoneId zone) {
      this.zone = zone;
      return this;
    }

    /** What to do with ticks that could not fire on time; {@link MissedRunPolicy#SKIP} by default. */
    public Builder missedRuns(MissedRunPolicy policy) {
      this.missedRuns = policy;
      return this;
    }

    /** How late a tick may still fire under {@link MissedRunPolicy#SKIP}; one minute by default. */
    public Builder grace(Duration grace) {
      this.grace = grace;
      return this;
    }

    /** Whether a tick runs while the previous run is still running; false by default (the tick is skipped). */
    public Builder allowOverlap(boolean allowOverlap) {
      this.allowOverlap = allowOverlap;
      return this;
    }

    /** How many runs {@link CronScheduler#history} keeps; {@value CronSchedule#DEFAULT_HISTORY_SIZE} by default. */
    public Builder historySize(int historySize) {
      this.historySize = historySize;
      return this;
    }

    /**
     * The schedule.
     *
     * @throws InvalidSpecException naming every field that is wrong
     */
    public CronSchedule build() {
      return new CronSchedule(id, cron, spec, zone, missedRuns, grace, allowOverlap, historySize);
    }
  }
}
