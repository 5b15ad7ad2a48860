package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ScheduleManager;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.schedule.CronExpression;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobSpec;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1JobTemplateSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules as native CronJobs: Kubernetes starts each run as a Job (never two at once, {@code concurrencyPolicy:
 * Forbid}; the last 3 successful and 3 failed Jobs are kept), so runs happen while no Berth process is up. A
 * schedule's ConfigMap and Secret are owned by its CronJob. Cron expressions are read in UTC; {@code @every} is
 * refused (CronJobs have no such form).
 */
final class KubernetesScheduleManager implements ScheduleManager {
  private static final Logger log = LoggerFactory.getLogger(KubernetesScheduleManager.class);
  static final int HISTORY = 3;

  private final KubernetesSettings settings;
  private final KubeConnection connection;
  private final CodePackager packager;
  private final PodTemplates pods;
  private final BotManifests objects;

  KubernetesScheduleManager(KubernetesSettings settings, KubeConnection connection, CodePackager packager) {
    this.settings = settings;
    this.connection = connection;
    this.packager = packager;
    this.pods = new PodTemplates(settings);
    this.objects = new BotManifests(settings);
  }

  static String name(String scope, String scheduleId) {
    return KubeLabels.name(scope, scheduleId, 52); // a CronJob's Jobs append 11 characters to its name
  }

  @Override
  public Schedule schedule(String scheduleId, String cron, BotSpec spec) {
    WorkloadKind.BOT.requireValidId(scheduleId);
    CronExpression expression = CronExpression.parse(cron);
    if (expression.interval().isPresent()) {
      throw new InvalidSpecException("schedule", List.of("cron: '" + cron + "' uses @every, which Kubernetes "
          + "CronJobs do not have; write five fields such as '*/5 * * * *'"));
    }
    BotManifests.validate(spec);
    CodePackager.Packed packed = packager.pack(spec);
    String name = name(settings.scope(), scheduleId);
    V1CronJob desired = cronJob(scheduleId, cron, spec, packed);
    String ns = connection.namespace();
    KubeErrors errors = connection.errors();
    Optional<V1CronJob> existing = read(name);
    V1CronJob saved;
    if (existing.isPresent()) {
      desired.getMetadata().resourceVersion(existing.get().getMetadata().getResourceVersion());
      saved = errors.call(KubeOp.of("update", "cronjobs", "replacing schedule '" + scheduleId + "'"), null, null,
          () -> connection.batch().replaceNamespacedCronJob(name, ns, desired).execute());
    } else {
      saved = errors.call(KubeOp.of("create", "cronjobs", "creating schedule '" + scheduleId + "'"), null, null,
          () -> connection.batch().createNamespacedCronJob(ns, desired).execute());
    }
    V1ConfigMap map = objects.configMap(spec, packed, name);
    relabel(map.getMetadata(), scheduleId);
    BotManifests.ownedBy(map.getMetadata(), "batch/v1", "CronJob", saved.getMetadata());
    V1Secret secret = objects.secret(spec, packed, name, Map.of());
    relabel(secret.getMetadata(), scheduleId);
    BotManifests.ownedBy(secret.getMetadata(), "batch/v1", "CronJob", saved.getMetadata());
    if (existing.isPresent()) {
      errors.call(KubeOp.of("update", "configmaps", "replacing the ConfigMap of schedule '" + scheduleId + "'"), null,
          null, () -> connection.core().replaceNamespacedConfigMap(name, ns, map).execute());
      errors.call(KubeOp.of("update", "secrets", "replacing the Secret of schedule '" + scheduleId + "'"), null,
          null, () -> connection.core().replaceNamespacedSecret(name, ns, secret).execute());
    } else {
      errors.call(KubeOp.of("create", "configmaps", "creating the ConfigMap of schedule '" + scheduleId + "'"), null,
          null, () -> connection.core().createNamespacedConfigMap(ns, map).execute());
      errors.call(KubeOp.of("create", "secrets", "creating the Secret of schedule '" + scheduleId + "'"), null,
          null, () -> connection.core().createNamespacedSecret(ns, secret).execute());
    }
    log.info("Scheduled {} at '{}' (CronJob {})", scheduleId, cron, name);
    return describe(saved);
  }

  V1CronJob cronJob(String scheduleId, String cron, BotSpec spec, CodePackager.Packed packed) {
    String name = name(settings.scope(), scheduleId);
    V1PodTemplateSpec template = pods.template(new PodTemplates.Inputs(spec, packed, name, BotManifests.CONTAINER,
        "Never", packed.plan().command(), false));
    relabel(template.getMetadata(), scheduleId);
    V1ObjectMeta meta = new V1ObjectMeta().name(name).annotations(null)
        .labels(KubeLabels.sorted(KubeLabels.forWorkload(settings.scope(), spec)));
    relabel(meta, scheduleId);
    return new V1CronJob().apiVersion("batch/v1").kind("CronJob").metadata(meta)
        .spec(new V1CronJobSpec().schedule(cron.trim()).timeZone("Etc/UTC").concurrencyPolicy("Forbid")
            .successfulJobsHistoryLimit(HISTORY).failedJobsHistoryLimit(HISTORY)
            .jobTemplate(new V1JobTemplateSpec().metadata(new V1ObjectMeta().annotations(null)
                    .labels(KubeLabels.sorted(template.getMetadata().getLabels())))
                .spec(new V1JobSpec().backoffLimit(0).template(template)
                    .ttlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, settings.jobTtl().toSeconds())))));
  }

  /** A schedule's objects and pods are {@code berth.kind=schedule} with the schedule's id, never a bot's. */
  private void relabel(V1ObjectMeta meta, String scheduleId) {
    java.util.Map<String, String> labels = new java.util.TreeMap<>(meta.getLabels());
    labels.put(KubeLabels.KIND, KubeLabels.KIND_SCHEDULE);
    labels.put(KubeLabels.ID, scheduleId);
    meta.labels(new java.util.LinkedHashMap<>(labels));
  }

  /** Deletes the CronJob (its Jobs and pods go with it), the ConfigMap and the Secret; a no-op when unknown. */
  @Override
  public void unschedule(String scheduleId) {
    WorkloadKind.BOT.requireValidId(scheduleId);
    String name = name(settings.scope(), scheduleId);
    String ns = connection.namespace();
    if (read(name).isEmpty()) {
      return;
    }
    KubeErrors errors = connection.errors();
    errors.callOrEmpty(KubeOp.of("delete", "cronjobs", "removing schedule '" + scheduleId + "'"),
        () -> connection.batch().deleteNamespacedCronJob(name, ns).propagationPolicy("Background").execute());
    errors.callOrEmpty(KubeOp.of("delete", "configmaps", "removing the ConfigMap of schedule '" + scheduleId + "'"),
        () -> connection.core().deleteNamespacedConfigMap(name, ns).execute());
    errors.callOrEmpty(KubeOp.of("delete", "secrets", "removing the Secret of schedule '" + scheduleId + "'"),
        () -> connection.core().deleteNamespacedSecret(name, ns).execute());
    packager.removeUploads(WorkloadKind.BOT, scheduleId);
    log.info("Unscheduled {}", scheduleId);
  }

  @Override
  public List<Schedule> list() {
    String selector = KubeLabels.selectorText(KubeLabels.scopeSelector(settings.scope(), KubeLabels.KIND_SCHEDULE));
    return connection.errors().call(KubeOp.of("list", "cronjobs", "listing schedules"), null, null,
            () -> connection.batch().listNamespacedCronJob(connection.namespace()).labelSelector(selector).execute())
        .getItems().stream().map(this::describe).sorted(java.util.Comparator.comparing(Schedule::id)).toList();
  }

  private Optional<V1CronJob> read(String name) {
    return connection.errors().callOrEmpty(KubeOp.of("get", "cronjobs", "reading CronJob " + name),
        () -> connection.batch().readNamespacedCronJob(name, connection.namespace()).execute())
        .filter(job -> job.getMetadata().getLabels() != null
            && settings.scope().equals(job.getMetadata().getLabels().get(KubeLabels.SCOPE)));
  }

  private Schedule describe(V1CronJob job) {
    String cron = job.getSpec().getSchedule();
    Optional<Instant> last = Optional.ofNullable(job.getStatus()).map(s -> s.getLastScheduleTime())
        .map(java.time.OffsetDateTime::toInstant);
    Optional<Instant> next = CronExpression.parse(cron).nextAfter(Instant.now(), ZoneOffset.UTC);
    return new Schedule(job.getMetadata().getLabels().get(KubeLabels.ID), cron, last, next);
  }
}
