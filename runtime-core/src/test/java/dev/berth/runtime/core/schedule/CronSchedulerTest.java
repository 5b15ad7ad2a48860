package dev.berth.runtime.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.ScheduleManager;
import dev.berth.runtime.core.schedule.ScheduledRun.Outcome;
import dev.berth.runtime.testkit.MockBacktestOutcome;
import dev.berth.runtime.testkit.MockBacktestRunner;
import dev.berth.runtime.testkit.MockEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CronSchedulerTest {
  /** 30 s before a whole minute, so that {@code * * * * *} is due after advancing 30 s. */
  private static final Instant START = Instant.parse("2026-01-05T08:59:30Z");
  private static final BacktestSpec SPEC = BacktestSpec.builder("template").image("registry/backtest:3")
      .command("backtest", "--fast").build();

  private final MockEngine engine = new MockEngine(Clock.fixed(START, ZoneOffset.UTC));
  private final MockBacktestRunner runner = new MockBacktestRunner(engine, "schedules");
  private final CronScheduler scheduler = CronScheduler.builder(runner).name("test").clock(engine.clock()).build();

  @AfterEach
  void closeAll() {
    scheduler.close(true);
    runner.close();
  }

  private static String runId(String scheduleId, String instant) {
    return scheduleId + "-" + Instant.parse(instant).getEpochSecond();
  }

  private List<String> submitted() {
    return runner.calls(MockBacktestRunner.Call.SUBMIT).stream().map(call -> call.argument().id()).toList();
  }

  @Test
  void eachTickSubmitsTheSpecUnderItsOwnIdAndKeepsTheResult() {
    scheduler.schedule(CronSchedule.builder("minutely", "* * * * *", SPEC).build());
    runner.script(runId("minutely", "2026-01-05T09:00:00Z"), MockBacktestOutcome.success("{\"pnl\":1}"));

    assertThat(scheduler.runDue()).as("nothing is due before the first tick").isEmpty();
    engine.advance(Duration.ofSeconds(30));
    assertThat(scheduler.runDue()).extracting(ScheduledRun::runId)
        .containsExactly(runId("minutely", "2026-01-05T09:00:00Z"));
    engine.advance(Duration.ofMinutes(1));
    scheduler.runDue();

    assertThat(submitted()).containsExactly(runId("minutely", "2026-01-05T09:00:00Z"),
        runId("minutely", "2026-01-05T09:01:00Z"));
    assertThat(runner.calls(MockBacktestRunner.Call.SUBMIT).get(0).argument().command())
        .containsExactly("backtest", "--fast");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scheduler.history("minutely"))
        .extracting(ScheduledRun::outcome).containsExactly(Outcome.SUCCEEDED, Outcome.SUCCEEDED));
    ScheduledRun first = scheduler.history("minutely").get(0);
    assertThat(first.scheduledFor()).isEqualTo(Instant.parse("2026-01-05T09:00:00Z"));
    assertThat(first.result().orElseThrow().resultJson()).contains("{\"pnl\":1}");
    assertThat(scheduler.list()).singleElement().satisfies(schedule -> {
      assertThat(schedule.lastRun()).contains(Instant.parse("2026-01-05T09:01:00Z"));
      assertThat(schedule.nextRun()).contains(Instant.parse("2026-01-05T09:02:00Z"));
    });
  }

  @Test
  void aTickIsSkippedWhileThePreviousRunStillRuns() {
    scheduler.schedule(CronSchedule.builder("slow", "* * * * *", SPEC).build());
    runner.script(runId("slow", "2026-01-05T09:00:00Z"), MockBacktestOutcome.success("{}").after(Duration.ofMinutes(5)));
    engine.advance(Duration.ofSeconds(30));
    scheduler.runDue();
    engine.advance(Duration.ofMinutes(1));

    assertThat(scheduler.runDue()).singleElement().satisfies(run -> {
      assertThat(run.outcome()).isEqualTo(Outcome.SKIPPED);
      assertThat(run.message()).contains(runId("slow", "2026-01-05T09:00:00Z"), "still running");
    });
    assertThat(submitted()).containsExactly(runId("slow", "2026-01-05T09:00:00Z"));
  }

  @Test
  void overlappingRunsStartWhenAllowed() {
    scheduler.schedule(CronSchedule.builder("slow", "* * * * *", SPEC).allowOverlap(true).build());
    runner.script(runId("slow", "2026-01-05T09:00:00Z"), MockBacktestOutcome.success("{}").after(Duration.ofMinutes(5)));
    engine.advance(Duration.ofSeconds(30));
    scheduler.runDue();
    engine.advance(Duration.ofMinutes(1));
    scheduler.runDue();

    assertThat(submitted()).hasSize(2);
    assertThat(scheduler.history("slow")).extracting(ScheduledRun::outcome).doesNotContain(Outcome.SKIPPED);
  }

  @Test
  void missedTicksAreDroppedUnderSkip() {
    scheduler.schedule(CronSchedule.builder("five", "*/5 * * * *", SPEC).build());
    engine.advance(Duration.ofMinutes(12));   // 09:11:30: 09:00, 09:05, 09:10 passed; 09:10 is 90 s late

    assertThat(scheduler.runDue()).isEmpty();
    assertThat(scheduler.missedRuns("five")).isEqualTo(3);
    assertThat(submitted()).isEmpty();
    engine.advance(Duration.ofMinutes(4));    // 09:15:30: on time again
    assertThat(scheduler.runDue()).extracting(ScheduledRun::runId).containsExactly(runId("five", "2026-01-05T09:15:00Z"));
  }

  @Test
  void aLateTickWithinTheGraceStillRunsUnderSkip() {
    scheduler.schedule(CronSchedule.builder("five", "*/5 * * * *", SPEC).build());
    engine.advance(Duration.ofMinutes(11));   // 09:10:30: 09:10 is 30 s late, within the minute of grace

    assertThat(scheduler.runDue()).extracting(ScheduledRun::runId).containsExactly(runId("five", "2026-01-05T09:10:00Z"));
    assertThat(scheduler.missedRuns("five")).isEqualTo(2);
  }

  @Test
  void onlyTheLatestMissedTickRunsOnceUnderRunOnce() {
    scheduler.schedule(CronSchedule.builder("five", "*/5 * * * *", SPEC).missedRuns(MissedRunPolicy.RUN_ONCE).build());
    engine.advance(Duration.ofHours(2));

    assertThat(scheduler.runDue()).extracting(ScheduledRun::runId).containsExactly(runId("five", "2026-01-05T10:55:00Z"));
    assertThat(scheduler.runDue()).as("a second look at the same time runs nothing").isEmpty();
    assertThat(scheduler.missedRuns("five")).isEqualTo(23);
  }

  @Test
  void theScheduleIsReadInItsZoneAcrossTheSpringForwardGap() {
    MockEngine dst = new MockEngine(Clock.fixed(Instant.parse("2026-03-08T06:00:00Z"), ZoneOffset.UTC));
    try (MockBacktestRunner newYorkRunner = new MockBacktestRunner(dst, "dst");
         CronScheduler newYork = CronScheduler.builder(newYorkRunner).clock(dst.clock()).build()) {
      newYork.schedule(CronSchedule.builder("night", "30 2 * * *", SPEC).zone(ZoneId.of("America/New_York")).build());
      dst.advance(Duration.ofMinutes(59));
      assertThat(newYork.runDue()).as("01:59 EST: 02:30 has not come").isEmpty();
      dst.advance(Duration.ofMinutes(1));    // 03:00 EDT: 02:30 never existed today, so it runs now

      assertThat(newYork.runDue()).extracting(ScheduledRun::runId).containsExactly(runId("night", "2026-03-08T07:00:00Z"));
      assertThat(newYork.list().get(0).nextRun()).contains(Instant.parse("2026-03-09T06:30:00Z"));
    }
  }

  @Test
  void historyKeepsTheLastRunsOnly() {
    scheduler.schedule(CronSchedule.builder("minutely", "* * * * *", SPEC).historySize(3).build());
    engine.advance(Duration.ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      scheduler.runDue();
      engine.advance(Duration.ofMinutes(1));
    }

    assertThat(scheduler.history("minutely")).extracting(ScheduledRun::runId).containsExactly(
        runId("minutely", "2026-01-05T09:02:00Z"), runId("minutely", "2026-01-05T09:03:00Z"),
        runId("minutely", "2026-01-05T09:04:00Z"));
  }

  @Test
  void aRefusedSubmissionIsRecordedAndTheNextTickRuns() {
    scheduler.schedule(CronSchedule.builder("minutely", "* * * * *", SPEC).build());
    runner.failNext(MockBacktestRunner.Call.SUBMIT, new RuntimeUnavailableException("queue full"));
    engine.advance(Duration.ofSeconds(30));

    assertThat(scheduler.runDue()).singleElement().satisfies(run -> {
      assertThat(run.outcome()).isEqualTo(Outcome.NOT_STARTED);
      assertThat(run.message()).contains("queue full");
    });
    engine.advance(Duration.ofMinutes(1));
    assertThat(scheduler.runDue()).extracting(ScheduledRun::outcome).containsExactly(Outcome.RUNNING);
  }

  @Test
  void twoSchedulersOnOneScopeRunATickOnce() {
    try (CronScheduler other = CronScheduler.builder(runner).name("other").clock(engine.clock()).build()) {
      CronSchedule schedule = CronSchedule.builder("shared", "* * * * *", SPEC).build();
      scheduler.schedule(schedule);
      other.schedule(schedule);
      engine.advance(Duration.ofSeconds(30));
      scheduler.runDue();

      assertThat(other.runDue()).singleElement().satisfies(run -> {
        assertThat(run.outcome()).isEqualTo(Outcome.NOT_STARTED);
        assertThat(run.message()).contains("exists already");
      });
    }
  }

  @Test
  void aBotSpecScheduledThroughScheduleManagerRunsOncePerTick() {
    ScheduleManager manager = scheduler;
    BotSpec bot = BotSpec.builder("ignored").image("registry/report:1").command("report").config("{\"a\":1}").build();
    ScheduleManager.Schedule created = manager.schedule("daily-report", "0 9 * * *", bot);

    assertThat(created.nextRun()).contains(Instant.parse("2026-01-05T09:00:00Z"));
    assertThat(manager.list()).extracting(ScheduleManager.Schedule::id).containsExactly("daily-report");
    engine.advance(Duration.ofSeconds(30));
    scheduler.runDue();
    BacktestSpec submitted = runner.calls(MockBacktestRunner.Call.SUBMIT).get(0).argument();
    assertThat(submitted.id()).isEqualTo(runId("daily-report", "2026-01-05T09:00:00Z"));
    assertThat(submitted.image()).isEqualTo("registry/report:1");
    assertThat(submitted.config()).isEqualTo("{\"a\":1}");
    assertThat(submitted.timeout()).isEqualTo(BacktestSpec.DEFAULT_TIMEOUT);

    manager.unschedule("daily-report");
    manager.unschedule("daily-report");
    engine.advance(Duration.ofDays(1));
    assertThat(scheduler.runDue()).isEmpty();
    assertThat(manager.list()).isEmpty();
  }

  @Test
  void badInputIsRejectedNamingTheField() {
    assertThatThrownBy(() -> CronSchedule.builder("Bad_Id", "@daily", SPEC).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("id: 'Bad_Id' is not a DNS-1123 label");
    assertThatThrownBy(() -> CronSchedule.builder("a".repeat(53), "@daily", SPEC).build())
        .hasMessageContaining("at most 52 characters");
    assertThatThrownBy(() -> CronSchedule.builder("ok", "@daily", SPEC).historySize(0).build())
        .hasMessageContaining("historySize: 0");
    assertThatThrownBy(() -> CronScheduler.builder(runner).checkEvery(Duration.ZERO))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("checkEvery");
  }

  @Test
  void theThreadFiresTicksAndCloseLeavesRunsRunning() {
    CronScheduler threaded = CronScheduler.builder(runner).name("threaded").clock(engine.clock())
        .checkEvery(Duration.ofMillis(10)).build().start();
    try {
      threaded.schedule(CronSchedule.builder("slow", "* * * * *", SPEC).build());
      runner.script(runId("slow", "2026-01-05T09:00:00Z"), MockBacktestOutcome.hang());
      assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().equals("berth-scheduler-threaded"))
          .singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());
      engine.advance(Duration.ofSeconds(30));

      await().atMost(Duration.ofSeconds(10)).until(() -> !threaded.history("slow").isEmpty());
    } finally {
      threaded.close();
    }
    assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContain("berth-scheduler-threaded");
    String run = runId("slow", "2026-01-05T09:00:00Z");
    assertThat(runner.status(run).state()).isEqualTo(BacktestState.RUNNING);
    assertThatThrownBy(threaded::runDue).isInstanceOf(RuntimeClosedException.class);

    threaded.close(true);
    assertThat(runner.status(run).state()).isEqualTo(BacktestState.CANCELLED);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threaded.history("slow"))
        .extracting(ScheduledRun::outcome).containsExactly(Outcome.CANCELLED));
  }
}
