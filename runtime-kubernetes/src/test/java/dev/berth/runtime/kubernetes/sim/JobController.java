package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each Job as one pod at a time until it succeeds or {@code backoffLimit} failures are reached; marks it
 * {@code Complete} or {@code Failed} ({@code BackoffLimitExceeded}, or {@code DeadlineExceeded} once
 * {@code activeDeadlineSeconds} have passed, which also deletes its running pod), and deletes a finished Job
 * with its pods after {@code ttlSecondsAfterFinished}.
 */
final class JobController {
  private static final Logger LOG = LoggerFactory.getLogger(JobController.class);

  private final SimApi api;
  private final Map<String, Integer> created = new HashMap<>();

  JobController(SimApi api) {
    this.api = api;
  }

  void reconcile(List<V1Pod> pods) throws ApiException {
    List<V1Job> jobs = api.batch.listNamespacedJob(api.namespace).execute().getItems();
    for (V1Job job : jobs) {
      String uid = job.getMetadata().getUid();
      try {
        reconcile(job, pods.stream().filter(p -> PodFactory.ownedBy(p.getMetadata(), uid))
            .collect(Collectors.toList()));
      } catch (ApiException e) {
        LOG.debug("Reconciling Job {} failed ({}): {}", job.getMetadata().getName(), e.getCode(),
            e.getResponseBody());
      }
    }
    created.keySet().retainAll(jobs.stream().map(j -> j.getMetadata().getUid()).collect(Collectors.toSet()));
  }

  private void reconcile(V1Job job, List<V1Pod> pods) throws ApiException {
    V1JobStatus status = job.getStatus() == null ? new V1JobStatus() : job.getStatus();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    if (finished(status)) {
      expire(job, status, now);
      return;
    }
    long succeeded = pods.stream().filter(p -> "Succeeded".equals(phase(p))).count();
    long failed = pods.stream().filter(p -> "Failed".equals(phase(p))).count();
    List<V1Pod> active = pods.stream().filter(p -> !"Succeeded".equals(phase(p)) && !"Failed".equals(phase(p)))
        .collect(Collectors.toList());
    OffsetDateTime start = status.getStartTime() == null ? now : status.getStartTime();
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    int backoffLimit = Objects.requireNonNullElse(job.getSpec().getBackoffLimit(), 6);
    V1JobStatus next = new V1JobStatus().startTime(start).succeeded((int) succeeded).failed((int) failed);
    if (succeeded > 0) {
      finish(job, next.active(0).completionTime(now), "Complete", null, "Job completed", now);
    } else if (deadline != null && now.isAfter(start.plusSeconds(deadline))) {
      for (V1Pod pod : active) {
        delete(pod);
      }
      finish(job, next.active(0), "Failed", "DeadlineExceeded", "Job was active longer than specified deadline",
          now);
    } else if (failed > backoffLimit) {
      finish(job, next.active(0), "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit",
          now);
    } else {
      int made = created.getOrDefault(job.getMetadata().getUid(), 0);
      if (active.isEmpty() && made <= failed) {
        createPod(job);
        active = List.of(new V1Pod());
      }
      if (status.getStartTime() == null || !Objects.equals(status.getActive(), active.size())
          || !Objects.equals(status.getFailed(), next.getFailed())) {
        write(job, next.active(active.size()));
      }
    }
  }

  private void createPod(V1Job job) throws ApiException {
    String name = job.getMetadata().getName();
    String uid = job.getMetadata().getUid();
    V1Pod pod = PodFactory.fromTemplate(name + "-" + PodFactory.suffix(), job.getSpec().getTemplate(),
        Map.of("job-name", name, "batch.kubernetes.io/job-name", name, "controller-uid", uid,
            "batch.kubernetes.io/controller-uid", uid),
        PodFactory.owner("batch/v1", "Job", job.getMetadata()));
    api.core.createNamespacedPod(api.namespace, pod).execute();
    created.merge(uid, 1, Integer::sum);
  }

  private void finish(V1Job job, V1JobStatus status, String type, String reason, String message,
      OffsetDateTime now) throws ApiException {
    write(job, status.addConditionsItem(new V1JobCondition().type(type).status("True").reason(reason)
        .message(message).lastProbeTime(now).lastTransitionTime(now)));
  }

  private void expire(V1Job job, V1JobStatus status, OffsetDateTime now) throws ApiException {
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    OffsetDateTime finishedAt = status.getConditions().stream().map(V1JobCondition::getLastTransitionTime)
        .filter(Objects::nonNull).findFirst().orElse(now);
    if (ttl != null && !now.isBefore(finishedAt.plusSeconds(ttl))) {
      try {
        api.batch.deleteNamespacedJob(job.getMetadata().getName(), api.namespace).execute();
      } catch (ApiException e) {
        if (!SimApi.notFound(e)) {
          throw e;
        }
      }
    }
  }

  private void write(V1Job job, V1JobStatus status) throws ApiException {
    try {
      api.patchStatus(V1Job.class, status, patch -> api.batch.patchNamespacedJobStatus(
          job.getMetadata().getName(), api.namespace, patch).buildCall(null));
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
    }
  }

  private void delete(V1Pod pod) throws ApiException {
    try {
      api.core.deleteNamespacedPod(pod.getMetadata().getName(), api.namespace).execute();
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
    }
  }

  static boolean finished(V1JobStatus status) {
    return status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
            && "True".equals(c.getStatus()));
  }

  private static String phase(V1Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }
}
