package dev.berth.runtime.kubernetes;

import com.google.gson.JsonObject;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.internal.backtest.BacktestDriver;
import dev.berth.runtime.core.internal.backtest.ResultTooLargeException;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.PatchUtils;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backtests as Kubernetes Jobs for the core backtest engine. The engine's metadata travels as Job annotations;
 * the result comes from the object store (the wrapper's presigned PUT) or the termination message. A pod that never
 * runs keeps {@link #launch} waiting until the engine's timeout interrupts it, which removes the Job.
 */
final class KubernetesBacktestDriver implements BacktestDriver<KubernetesBacktestDriver.Backtest> {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesBacktestDriver.class);

  private final KubernetesSettings settings;
  private final KubeConnection connection;
  private final Cluster cluster;
  private final CodePackager packager;
  private final JobManifests jobs;
  private final BotManifests objects;
  private final PodLogs logs;
  private final Optional<ObjectStore> store;

  /**
   * The driver's handle.
   *
   * @param id the backtest's id
   * @param job the Job's name
   */
  record Backtest(String id, String job) {}

  KubernetesBacktestDriver(KubernetesBuilder.Parts parts) {
    this.settings = parts.settings();
    this.connection = parts.connection();
    this.cluster = new Cluster(connection, settings.scope(), settings.pollInterval());
    this.packager = parts.packager();
    this.jobs = new JobManifests(settings);
    this.objects = new BotManifests(settings);
    this.logs = new PodLogs(connection, settings.pollInterval());
    this.store = parts.store();
  }

  @Override
  public String type() {
    return KubernetesRuntimeProvider.TYPE;
  }

  @Override
  public String endpoint() {
    return connection.url() + " namespace " + connection.namespace();
  }

  @Override
  public void validate(BacktestSpec spec) {
    BotManifests.validate(spec);
  }

  @Override
  public Backtest launch(BacktestSpec spec, Map<String, String> metadata) throws InterruptedException {
    Backtest backtest = new Backtest(spec.id(), JobManifests.jobName(settings.scope(), spec.id()));
    try {
      CodePackager.Packed packed = packager.pack(spec);
      Optional<URI> resultUrl = resultUrl(spec.id());
      // ConfigMap and Secret first: a pod started before them would fail with CreateContainerConfigError
      V1ConfigMap map = objects.configMap(spec, packed, backtest.job());
      cluster.errors().call(KubeOp.of("create", "configmaps", "creating the ConfigMap of backtest '" + spec.id()
          + "'"), null, null, () -> connection.core().createNamespacedConfigMap(connection.namespace(), map).execute());
      V1Secret secret = objects.secret(spec, packed, backtest.job(), resultUrl.map(url -> Map.of(
          PodTemplates.RESULT_URL_KEY, url.toString())).orElse(Map.of()));
      cluster.errors().call(KubeOp.of("create", "secrets", "creating the Secret of backtest '" + spec.id() + "'"),
          null, null, () -> connection.core().createNamespacedSecret(connection.namespace(), secret).execute());
      V1Job job = cluster.errors().call(KubeOp.of("create", "jobs", "creating backtest '" + spec.id() + "'"),
          WorkloadKind.BACKTEST, spec.id(), () -> connection.batch().createNamespacedJob(connection.namespace(),
              jobs.job(spec, packed, metadata, resultUrl.isPresent())).execute());
      ownBy(job, backtest);
      awaitRunning(backtest);
      return backtest;
    } catch (RuntimeException | InterruptedException e) {
      boolean interrupted = Thread.interrupted() || e instanceof InterruptedException;
      try {
        remove(backtest);
      } catch (RuntimeException cleanup) {
        LOG.warn("Removing what a failed launch of backtest {} made failed: {}; the runner's next sweep removes it",
            spec.id(), cleanup.getMessage());
      }
      if (interrupted) {
        InterruptedException cut = new InterruptedException("cancelled while its Job was being started");
        cut.addSuppressed(e);
        throw cut;
      }
      throw (RuntimeException) e;
    }
  }

  /** Makes the Job the owner of its ConfigMap and Secret (merge patches), so deleting the Job deletes them too. */
  private void ownBy(V1Job job, Backtest backtest) {
    JsonObject patch = new JsonObject();
    patch.add("metadata", new JsonObject());
    patch.getAsJsonObject("metadata").add("ownerReferences", cluster.json(List.of(
        new io.kubernetes.client.openapi.models.V1OwnerReference().apiVersion("batch/v1").kind("Job")
            .name(job.getMetadata().getName()).uid(job.getMetadata().getUid()).blockOwnerDeletion(false)
            .controller(false))));
    String ns = connection.namespace();
    cluster.errors().call(KubeOp.of("patch", "configmaps", "owning the ConfigMap of backtest '" + backtest.id() + "'"),
        null, null, () -> PatchUtils.patch(V1ConfigMap.class, () -> connection.core().patchNamespacedConfigMap(
            backtest.job(), ns, new V1Patch(patch.toString())).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            connection.client()));
    cluster.errors().call(KubeOp.of("patch", "secrets", "owning the Secret of backtest '" + backtest.id() + "'"),
        null, null, () -> PatchUtils.patch(V1Secret.class, () -> connection.core().patchNamespacedSecret(
            backtest.job(), ns, new V1Patch(patch.toString())).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            connection.client()));
  }

  /** The presigned PUT URL the wrapper ships the result to, when a store hands out URLs a pod can use. */
  private Optional<URI> resultUrl(String id) {
    return store.map(s -> s.presignedPut(ObjectStore.RESULTS_BUCKET, resultKey(id), settings.bundleUrlExpiry()))
        .filter(url -> "http".equals(url.getScheme()) || "https".equals(url.getScheme()));
  }

  private String resultKey(String id) {
    return "kubernetes-staging/" + settings.scope() + "/" + id + "/result.json";
  }

  /** Waits until the pod's main container runs or has ended; a pod that cannot start fails the launch. */
  private void awaitRunning(Backtest backtest) throws InterruptedException {
    while (true) {
      V1PodList pods = cluster.podList(KubeLabels.KIND_BACKTEST, backtest.id());
      Optional<V1Pod> pod = StatusMapper.newest(pods.getItems());
      Optional<V1ContainerStatus> main = pod.flatMap(StatusMapper::mainContainer);
      if (main.isPresent() && main.get().getState() != null) {
        if (main.get().getState().getRunning() != null || main.get().getState().getTerminated() != null) {
          return;
        }
        var waiting = main.get().getState().getWaiting();
        if (waiting != null && StatusMapper.FATAL_WAITING.contains(waiting.getReason())) {
          throw new RuntimeOperationException("Backtest '" + backtest.id() + "' cannot start: its container is "
              + "waiting (" + waiting.getReason() + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage())
              + "). Fix the image or its pull secret.");
        }
      }
      if (pod.isPresent() && "Failed".equals(pod.get().getStatus() == null ? null : pod.get().getStatus().getPhase())) {
        return; // awaitExit reports how
      }
      cluster.awaitPodChange(KubeLabels.KIND_BACKTEST, backtest.id(), pods, PodChanges.WATCH_WINDOW);
    }
  }

  @Override
  public Exit awaitExit(Backtest backtest) throws InterruptedException {
    while (true) {
      Optional<V1Job> job = readJob(backtest.job());
      V1PodList pods = cluster.podList(KubeLabels.KIND_BACKTEST, backtest.id());
      Optional<V1Pod> pod = StatusMapper.newest(pods.getItems());
      Optional<V1ContainerStatus> main = pod.flatMap(StatusMapper::mainContainer);
      if (main.isPresent() && main.get().getState() != null && main.get().getState().getTerminated() != null) {
        V1ContainerStateTerminated terminated = main.get().getState().getTerminated();
        StatusMapper.Exit exit = StatusMapper.exit(terminated, pod.get());
        return new Exit(OptionalInt.of(exit.code()), exit.startedAt(), exit.finishedAt(), exit.oomKilled(),
            exit.message());
      }
      if (job.isEmpty() && pod.isEmpty()) {
        return new Exit(OptionalInt.empty(), Optional.empty(), Optional.empty(), false,
            "its Job was removed by someone else before it reported an exit code");
      }
      boolean suspended = job.map(j -> j.getSpec() != null && Boolean.TRUE.equals(j.getSpec().getSuspend()))
          .orElse(false);
      if (suspended && pod.isEmpty()) {
        return new Exit(OptionalInt.empty(), Optional.empty(), Optional.empty(), false,
            "it was stopped before its container reported an exit code");
      }
      Optional<String> failed = job.flatMap(KubernetesBacktestDriver::failure);
      if (failed.isPresent() && (pod.isEmpty() || main.isEmpty())) {
        return new Exit(OptionalInt.empty(), Optional.empty(), Optional.empty(), false, failed.get());
      }
      // the Job's own changes (a condition, its removal) come with pod changes, or within one watch window
      cluster.awaitPodChange(KubeLabels.KIND_BACKTEST, backtest.id(), pods, PodChanges.WATCH_WINDOW);
    }
  }

  private static Optional<String> failure(V1Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream().filter(c -> "Failed".equals(c.getType())
        && "True".equals(c.getStatus())).findFirst().map(c -> "its Job failed (" + c.getReason() + ": "
        + c.getMessage() + ")");
  }

  @Override
  public Optional<String> readResult(Backtest backtest, String resultPath, long maxBytes) {
    if (store.isPresent() && resultUrl(backtest.id()).isPresent()) {
      Optional<byte[]> uploaded = store.get().getBytes(ObjectStore.RESULTS_BUCKET, resultKey(backtest.id()));
      if (uploaded.isPresent()) {
        if (uploaded.get().length > maxBytes) {
          throw new ResultTooLargeException(backtest.id(), resultPath, uploaded.get().length, maxBytes);
        }
        return Optional.of(new String(uploaded.get(), StandardCharsets.UTF_8));
      }
    }
    return StatusMapper.newest(cluster.pods(KubeLabels.KIND_BACKTEST, backtest.id()))
        .flatMap(StatusMapper::mainContainer).map(V1ContainerStatus::getState)
        .map(state -> state.getTerminated()).map(V1ContainerStateTerminated::getMessage)
        .filter(message -> !message.isEmpty())
        .map(message -> {
          if (message.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new ResultTooLargeException(backtest.id(), resultPath, message.length(), maxBytes);
          }
          return message;
        });
  }

  @Override
  public Stream<LogLine> logs(Backtest backtest, LogOptions options) {
    Optional<V1Pod> pod = StatusMapper.newest(cluster.pods(KubeLabels.KIND_BACKTEST, backtest.id()));
    String key = archiveKey(backtest.id());
    if (pod.isEmpty()) {
      // the pod is gone: its log, if Berth kept it when it stopped the backtest
      return LogArchive.SHARED.read(key, options).stream();
    }
    String name = pod.get().getMetadata().getName();
    return logs.open(name, PodTemplates.BACKTEST_CONTAINER, options,
        () -> PodLogs.Instance.of(cluster.pods(KubeLabels.KIND_BACKTEST, backtest.id()), name),
        "backtest '" + backtest.id() + "'", () -> LogArchive.SHARED.forPod(key, name));
  }

  /** The backtest's key in the JVM's {@link LogArchive}. */
  private String archiveKey(String id) {
    return connection.url() + "|" + connection.namespace() + "|" + settings.scope() + "|backtest|" + id;
  }

  /** Keeps the log of a pod Berth is about to delete, which takes the log with it. */
  private void archive(String id, V1Pod pod) {
    String name = pod.getMetadata().getName();
    List<LogLine> lines = logs.readAll(name, PodTemplates.BACKTEST_CONTAINER, false, "backtest '" + id + "'");
    if (!lines.isEmpty()) {
      LogArchive.SHARED.put(archiveKey(id), name, lines);
    }
  }

  /**
   * Suspends the Job (its controller stops the pod) and deletes the pod with {@code grace}, keeping its log
   * first: the log goes with the pod.
   */
  @Override
  public void stop(Backtest backtest, Duration grace) {
    JsonObject patch = new JsonObject();
    Cluster.at(patch, "spec").addProperty("suspend", true);
    cluster.errors().callOrEmpty(KubeOp.of("patch", "jobs", "stopping backtest '" + backtest.id() + "'"),
        () -> PatchUtils.patch(V1Job.class, () -> connection.batch().patchNamespacedJob(backtest.job(),
            connection.namespace(), new V1Patch(patch.toString())).buildCall(null),
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, connection.client()));
    long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
    for (V1Pod pod : cluster.pods(KubeLabels.KIND_BACKTEST, backtest.id())) {
      archive(backtest.id(), pod);
      cluster.deletePod(pod.getMetadata().getName(), seconds, "stopping backtest '" + backtest.id() + "'");
    }
  }

  /** Deletes the Job, its pods, ConfigMap, Secret, uploaded code and staged result; quiet for what is gone. */
  @Override
  public void remove(Backtest backtest) {
    String ns = connection.namespace();
    cluster.errors().callOrEmpty(KubeOp.of("delete", "jobs", "removing backtest '" + backtest.id() + "'"),
        () -> connection.batch().deleteNamespacedJob(backtest.job(), ns).propagationPolicy("Background").execute());
    for (V1Pod pod : cluster.pods(KubeLabels.KIND_BACKTEST, backtest.id())) {
      cluster.deletePod(pod.getMetadata().getName(), 0, "removing backtest '" + backtest.id() + "'");
    }
    cluster.errors().callOrEmpty(KubeOp.of("delete", "configmaps", "removing the ConfigMap of backtest '"
        + backtest.id() + "'"), () -> connection.core().deleteNamespacedConfigMap(backtest.job(), ns).execute());
    cluster.errors().callOrEmpty(KubeOp.of("delete", "secrets", "removing the Secret of backtest '"
        + backtest.id() + "'"), () -> connection.core().deleteNamespacedSecret(backtest.job(), ns).execute());
    packager.removeUploads(WorkloadKind.BACKTEST, backtest.id());
    LogArchive.SHARED.remove(archiveKey(backtest.id()));
    store.ifPresent(s -> {
      try {
        s.delete(ObjectStore.RESULTS_BUCKET, resultKey(backtest.id()));
      } catch (BerthException e) {
        LOG.debug("Removing the staged result of backtest {} failed: {}", backtest.id(), e.getMessage());
      }
    });
  }

  @Override
  public List<Found<Backtest>> list() {
    String selector = KubeLabels.selectorText(KubeLabels.scopeSelector(settings.scope(), KubeLabels.KIND_BACKTEST));
    return cluster.errors().call(KubeOp.of("list", "jobs", "listing backtests"), null, null,
            () -> connection.batch().listNamespacedJob(connection.namespace()).labelSelector(selector).execute())
        .getItems().stream().map(this::found).flatMap(Optional::stream).toList();
  }

  @Override
  public Optional<Found<Backtest>> find(String backtestId) {
    return readJob(JobManifests.jobName(settings.scope(), backtestId)).flatMap(this::found)
        .filter(found -> found.id().equals(backtestId));
  }

  private Optional<V1Job> readJob(String name) {
    return cluster.errors().callOrEmpty(KubeOp.of("get", "jobs", "reading backtest Job " + name),
        () -> connection.batch().readNamespacedJob(name, connection.namespace()).execute());
  }

  private Optional<Found<Backtest>> found(V1Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    String id = labels == null ? null : labels.get(KubeLabels.ID);
    if (id == null || !cluster.isOurs(labels, KubeLabels.KIND_BACKTEST, id)) {
      return Optional.empty();
    }
    Map<String, String> metadata = new TreeMap<>(Optional.ofNullable(job.getMetadata().getAnnotations())
        .orElse(Map.of()));
    metadata.keySet().removeIf(key -> !key.startsWith("berth."));
    boolean finished = job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus()
        .getConditions().stream().anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
            && "True".equals(c.getStatus()));
    return Optional.of(new Found<>(id, new Backtest(id, job.getMetadata().getName()), metadata, !finished));
  }

  @Override
  public Health health() {
    return connection.health();
  }

  @Override
  public void close() {
    logs.close();
    connection.close();
  }
}
