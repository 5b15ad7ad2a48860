package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.core.schedule.CronSchedule;
import dev.berth.runtime.core.schedule.CronScheduler;
import dev.berth.runtime.core.schedule.ScheduledRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core cron scheduler drives real local backtests on the wall clock. */
class LocalScheduleTest {
  @TempDir
  Path stateDir;

  @Test
  void aScheduleEverySecondRunsRealBacktestsWithTheirResultsInItsHistory() {
    try (BacktestRunner runner = LocalBacktestRunner.builder().stateDir(stateDir).scope("cron").noObjectStore()
        .build();
        CronScheduler scheduler = CronScheduler.builder(runner).name("local-test").build().start()) {
      scheduler.schedule(CronSchedule.builder("tick", "@every 1s",
          new LocalWorkloads().writeResult("unused", "{\"ok\":true}").build()).build());

      List<ScheduledRun> runs = await().atMost(LocalTestSupport.WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> scheduler.history("tick"), history -> history.stream()
              .filter(run -> run.outcome() == ScheduledRun.Outcome.SUCCEEDED).count() >= 2);

      List<ScheduledRun> succeeded = runs.stream().filter(run -> run.outcome() == ScheduledRun.Outcome.SUCCEEDED)
          .toList();
      assertThat(succeeded).extracting(ScheduledRun::runId).doesNotHaveDuplicates()
          .allMatch(id -> id.startsWith("tick-"));
      assertThat(succeeded).allSatisfy(run -> assertThat(run.result()).hasValueSatisfying(result ->
          assertThat(result.resultJson()).contains("{\"ok\":true}")));
      assertThat(runner.status(succeeded.get(0).runId()).state()).as("each run is the runner's own backtest")
          .isEqualTo(BacktestState.SUCCEEDED);
    }
  }
}
