package dev.berth.runtime.kubernetes.sim;

import dev.berth.runtime.core.schedule.CronExpression;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Creates each CronJob's Jobs on its schedule (in {@code spec.timeZone}, else UTC) unless suspended, honours
 * {@code concurrencyPolicy} ({@code Allow}, {@code Forbid} skips a run while one is active, {@code Replace}
 * deletes the active ones) and keeps {@code successfulJobsHistoryLimit} (3) and {@code failedJobsHistoryLimit}
 * (1) finished Jobs. Schedules are parsed by Berth's own cron parser, so {@code @every 2s} works for tests.
 */
final class CronJobController {
  private final SimApi api;
  private final Map<String, Instant> firstSeen = new HashMap<>();

  CronJobController(SimApi api) {
    this.api = api;
  }

  void reconcile() throws ApiException {
    List<V1CronJob> cronJobs = api.batch.listNamespacedCronJob(api.namespace).execute().getItems();
    if (cronJobs.isEmpty()) {
      firstSeen.clear();
      return;
    }
    List<V1Job> jobs = api.batch.listNamespacedJob(api.namespace).execute().getItems();
    for (V1CronJob cronJob : cronJobs) {
      String uid = cronJob.getMetadata().getUid();
      reconcile(cronJob, jobs.stream().filter(j -> PodFactory.ownedBy(j.getMetadata(), uid))
          .collect(Collectors.toList()));
    }
    firstSeen.keySet().retainAll(cronJobs.stream().map(c -> c.getMetadata().getUid()).collect(Collectors.toSet()));
  }

  private void reconcile(V1CronJob cronJob, List<V1Job> owned) throws ApiException {
    List<V1Job> active = owned.stream().filter(j -> !finished(j)).collect(Collectors.toList());
    trimHistory(owned, true, Objects.requireNonNullElse(cronJob.getSpec().getSuccessfulJobsHistoryLimit(), 3));
    trimHistory(owned, false, Objects.requireNonNullElse(cronJob.getSpec().getFailedJobsHistoryLimit(), 1));
    V1CronJobStatus status = cronJob.getStatus() == null ? new V1CronJobStatus() : cronJob.getStatus();
    Instant last = Optional.ofNullable(status.getLastScheduleTime()).map(OffsetDateTime::toInstant)
        .orElseGet(() -> firstSeen.computeIfAbsent(cronJob.getMetadata().getUid(), k -> Instant.now()));
    ZoneId zone = cronJob.getSpec().getTimeZone() == null ? ZoneOffset.UTC : ZoneId.of(cronJob.getSpec().getTimeZone());
    Optional<Instant> due = CronExpression.parse(cronJob.getSpec().getSchedule()).nextAfter(last, zone)
        .filter(next -> !next.isAfter(Instant.now()));
    OffsetDateTime scheduled = status.getLastScheduleTime();
    if (due.isPresent() && !Boolean.TRUE.equals(cronJob.getSpec().getSuspend())) {
      scheduled = due.get().atOffset(ZoneOffset.UTC);
      String policy = Objects.requireNonNullElse(cronJob.getSpec().getConcurrencyPolicy(), "Allow");
      if ("Replace".equals(policy)) {
        for (V1Job job : active) {
          delete(job);
        }
        active = List.of();
      }
      if (!"Forbid".equals(policy) || active.isEmpty()) {
        active = new java.util.ArrayList<>(active);
        active.add(create(cronJob, due.get()));
      }
    }
    V1CronJobStatus next = new V1CronJobStatus().lastScheduleTime(scheduled).active(active.stream()
        .map(j -> new V1ObjectReference().apiVersion("batch/v1").kind("Job").name(j.getMetadata().getName())
            .namespace(api.namespace).uid(j.getMetadata().getUid()))
        .collect(Collectors.toList()));
    V1CronJobStatus before = new V1CronJobStatus().lastScheduleTime(status.getLastScheduleTime())
        .active(status.getActive());
    if (!api.json(next).equals(api.json(before))) {
      try {
        api.patchStatus(V1CronJob.class, next, patch -> api.batch.patchNamespacedCronJobStatus(
            cronJob.getMetadata().getName(), api.namespace, patch).buildCall(null));
      } catch (ApiException e) {
        if (!SimApi.notFound(e)) {
          throw e;
        }
      }
    }
  }

  private V1Job create(V1CronJob cronJob, Instant at) throws ApiException {
    var template = cronJob.getSpec().getJobTemplate();
    V1ObjectMeta meta = template.getMetadata() == null ? new V1ObjectMeta() : template.getMetadata();
    V1Job job = new V1Job().apiVersion("batch/v1").kind("Job")
        .metadata(new V1ObjectMeta().name(cronJob.getMetadata().getName() + "-" + at.getEpochSecond() / 60
                + (at.getEpochSecond() % 60 == 0 ? "" : "-" + at.getEpochSecond() % 60))
            .labels(meta.getLabels()).annotations(meta.getAnnotations())
            .ownerReferences(List.of(PodFactory.owner("batch/v1", "CronJob", cronJob.getMetadata()))))
        .spec(template.getSpec());
    return api.batch.createNamespacedJob(api.namespace, job).execute();
  }

  private void trimHistory(List<V1Job> owned, boolean succeeded, int limit) throws ApiException {
    List<V1Job> finished = owned.stream().filter(j -> finished(j) && condition(j, "Complete") == succeeded)
        .sorted(Comparator.comparing((V1Job j) -> j.getMetadata().getCreationTimestamp(),
            Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(j -> j.getMetadata().getName()))
        .collect(Collectors.toList());
    for (V1Job job : finished.subList(0, Math.max(0, finished.size() - limit))) {
      delete(job);
    }
  }

  private void delete(V1Job job) throws ApiException {
    try {
      api.batch.deleteNamespacedJob(job.getMetadata().getName(), api.namespace).execute();
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
    }
  }

  private static boolean finished(V1Job job) {
    return job.getStatus() != null && JobController.finished(job.getStatus());
  }

  private static boolean condition(V1Job job, String type) {
    return job.getStatus().getConditions().stream().map(V1JobCondition::getType).anyMatch(type::equals);
  }
}
