package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ScheduleManager;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1CronJob;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Schedules as CronJobs against the in-process API server. */
class KubernetesScheduleManagerTest {
  private ApiServerFixture api;
  private KubernetesRuntime runtime;
  private ScheduleManager schedules;

  @BeforeEach
  void start() {
    api = ApiServerFixture.start();
    runtime = api.runtimeBuilder("sched").build();
    schedules = runtime.require(ScheduleManager.class);
  }

  @AfterEach
  void stop() {
    runtime.close();
    api.close();
  }

  private List<V1CronJob> cronJobs() throws Exception {
    return new BatchV1Api(api.client()).listNamespacedCronJob(ApiServerFixture.NAMESPACE).execute().getItems();
  }

  private static BotSpec spec() {
    return BotSpec.builder("report").image("busybox:1.36").command("sh", "-c", "date").build();
  }

  @Test
  void aScheduleIsACronJobThatForbidsOverlapAndKeepsHistory() throws Exception {
    ScheduleManager.Schedule schedule = schedules.schedule("nightly", "0 2 * * *", spec());

    assertThat(schedule.id()).isEqualTo("nightly");
    assertThat(schedule.nextRun()).isPresent();
    V1CronJob job = cronJobs().get(0);
    assertThat(job.getSpec().getSchedule()).isEqualTo("0 2 * * *");
    assertThat(job.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(job.getSpec().getSuccessfulJobsHistoryLimit()).isEqualTo(3);
    assertThat(job.getMetadata().getLabels()).containsEntry("berth.kind", "schedule").containsEntry("berth.id",
        "nightly");
    assertThat(job.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("berth.kind", "schedule");
    assertThat(schedules.list()).extracting(ScheduleManager.Schedule::id).containsExactly("nightly");
    assertThat(runtime.list()).isEmpty(); // a schedule is not a bot
  }

  @Test
  void schedulingAgainReplacesAndUnscheduleRemovesEverything() throws Exception {
    schedules.schedule("nightly", "0 2 * * *", spec());
    schedules.schedule("nightly", "30 3 * * *", spec());

    assertThat(cronJobs()).singleElement().satisfies(job -> assertThat(job.getSpec().getSchedule())
        .isEqualTo("30 3 * * *"));
    schedules.unschedule("nightly");
    schedules.unschedule("nightly");
    assertThat(cronJobs()).isEmpty();
    assertThat(api.core().listNamespacedConfigMap(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
    assertThat(api.core().listNamespacedSecret(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
  }

  @Test
  void everyIsRefusedWithTheFix() {
    assertThatThrownBy(() -> schedules.schedule("often", "@every 30s", spec()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("five fields");
  }
}
