package dev.berth.runtime.kubernetes;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeOperationException;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start, stop, restart and status of bots. Start scales the Deployment to 1 and waits until its pod runs or has
 * exited; stop scales it to 0 and deletes the pods with the caller's grace. A Deployment's pods always restart
 * in Kubernetes, so Berth enforces {@code NEVER} and {@code ON_FAILURE} itself: the first status read that sees
 * an exit the policy does not restart scales the bot to 0 and records the exit on the Deployment.
 */
final class BotLifecycle {
  private static final Logger log = LoggerFactory.getLogger(BotLifecycle.class);

  private final Cluster cluster;
  private final KubernetesSettings settings;
  private final PodLogs logs;

  BotLifecycle(Cluster cluster, KubernetesSettings settings, PodLogs logs) {
    this.cluster = cluster;
    this.settings = settings;
    this.logs = logs;
  }

  /** The bot's key in the JVM's {@link LogArchive}. */
  String archiveKey(String id) {
    return cluster.connection().url() + "|" + cluster.namespace() + "|" + settings.scope() + "|" + id;
  }

  /** Keeps the log of the bot's newest pod before Berth removes the pod, which takes the log with it. */
  private void archive(String id, List<V1Pod> pods) {
    StatusMapper.newest(pods).ifPresent(pod -> {
      // an exit the status shows may already have been followed by a restart it does not show yet: after any
      // restart, keep the previous instance's log too (a script waiting after the last run logs nothing)
      boolean restarted = PodLogs.Instance.of(pod).filter(instance -> instance.restarts() > 0).isPresent();
      String name = pod.getMetadata().getName();
      List<dev.berth.runtime.LogLine> lines = new java.util.ArrayList<>(restarted
          ? logs.readAll(name, BotManifests.CONTAINER, true, "bot '" + id + "'") : List.of());
      lines.addAll(logs.readAll(name, BotManifests.CONTAINER, false, "bot '" + id + "'"));
      if (!lines.isEmpty()) {
        LogArchive.SHARED.put(archiveKey(id), name, lines);
      }
    });
  }

  Duration defaultGrace() {
    return settings.stopGrace();
  }

  /** One Deployment read and one pod list; enforces the restart policy on an exit it sees. */
  BotStatus status(String id) {
    V1Deployment deployment = require(id);
    List<V1Pod> pods = cluster.pods(KubeLabels.KIND_BOT, id);
    BotStatus status = StatusMapper.map(id, deployment, pods);
    if (replicas(deployment) > 0 && (status.state() == BotState.FAILED || status.state() == BotState.STOPPED)) {
      RestartPolicy policy = StatusMapper.restartPolicy(deployment);
      Optional<StatusMapper.Exit> exit = StatusMapper.newest(pods).flatMap(pod -> StatusMapper.lastExit(pod, policy));
      if (exit.isPresent() && !policy.shouldRestart(exit.get().code(), status.restartCount())) {
        archive(id, pods);
        V1Deployment scaled = scale(id, 0, exit);
        log.info("Bot {} exited with code {}; its restart policy {} does not restart it, so it is scaled to 0", id,
            exit.get().code(), policy.kind());
        return StatusMapper.map(id, scaled, pods).toBuilder().restartCount(status.restartCount()).build();
      }
    }
    return status;
  }

  void start(String id) {
    V1Deployment deployment = require(id);
    if (replicas(deployment) == 0) {
      scale(id, 1, Optional.empty());
      log.info("Started bot {}", id);
    } else if (status(id).state() != BotState.CREATED) {
      return; // running, or exited and already handled by its restart policy
    }
    awaitPod(id, pod -> true);
  }

  void stop(String id, Duration grace) {
    V1Deployment deployment = require(id);
    if (replicas(deployment) == 0) {
      return;
    }
    List<V1Pod> running = cluster.pods(KubeLabels.KIND_BOT, id);
    archive(id, running);
    scale(id, 0, Optional.empty());
    long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
    long podGrace = PodTemplates.gracePeriodSeconds(settings);
    if (seconds > podGrace) {
      log.warn("Stopping bot {} with a grace of {} s: its pod's own grace period, {} s (setting stop-grace), may end it "
          + "sooner, since the Deployment controller deletes the pod with it when the bot is scaled to 0; raise "
          + "the setting to allow longer graces", id, seconds, podGrace);
    }
    for (V1Pod pod : running) {
      cluster.deletePod(pod.getMetadata().getName(), seconds, "stopping bot '" + id + "'");
    }
    Instant deadline = Instant.now().plus(grace).plusSeconds(30);
    V1PodList left = cluster.podList(KubeLabels.KIND_BOT, id);
    while (!left.getItems().isEmpty() && Instant.now().isBefore(deadline)) {
      awaitChange(id, left, deadline, "stopping");
      left = cluster.podList(KubeLabels.KIND_BOT, id);
    }
    log.info("Stopped bot {}", id);
  }

  /** Rolls the pod through the template's {@code restartedAt} annotation, as {@code kubectl rollout restart}. */
  void restart(String id) {
    V1Deployment deployment = require(id);
    if (replicas(deployment) == 0) {
      start(id);
      return;
    }
    String now = Instant.now().toString();
    JsonObject patch = new JsonObject();
    Cluster.at(patch, "spec", "template", "metadata", "annotations").addProperty(KubeLabels.RESTARTED_AT, now);
    cluster.patchDeployment(id, patch, "restarting bot '" + id + "'");
    log.info("Restarting bot {} (restartedAt {})", id, now);
    awaitPod(id, pod -> pod.getMetadata().getAnnotations() != null
        && now.equals(pod.getMetadata().getAnnotations().get(KubeLabels.RESTARTED_AT)));
  }

  /**
   * Waits until a live pod matching {@code which} runs or has exited, at most {@code kubernetes.start-timeout}.
   *
   * @throws RuntimeOperationException when its container cannot start (bad image) or the time is up
   */
  void awaitPod(String id, Predicate<V1Pod> which) {
    Instant deadline = Instant.now().plus(settings.startTimeout());
    String why = "no pod was created";
    while (true) {
      V1PodList pods = cluster.podList(KubeLabels.KIND_BOT, id);
      Optional<V1Pod> pod = StatusMapper.newest(pods.getItems().stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null).filter(which).toList());
      if (pod.isPresent()) {
        Optional<io.kubernetes.client.openapi.models.V1ContainerStatus> main = StatusMapper.mainContainer(pod.get());
        var state = main.map(c -> c.getState()).orElse(null);
        if (state != null && (state.getRunning() != null || state.getTerminated() != null
            || StatusMapper.lastExit(pod.get()).isPresent())) {
          return;
        }
        var waiting = state == null ? null : state.getWaiting();
        if (waiting != null && StatusMapper.FATAL_WAITING.contains(waiting.getReason())) {
          throw new RuntimeOperationException("Bot '" + id + "' cannot start: its container cannot start ("
              + waiting.getReason() + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()) + "). Fix "
              + "the image or its pull secret and start it again; until then Kubernetes keeps retrying.");
        }
        why = waiting == null ? StatusMapper.pending(pod.get()) : "waiting (" + waiting.getReason() + ")";
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new RuntimeOperationException("Bot '" + id + "' did not start within " + settings.startTimeout() + ": "
            + why + ". It stays scheduled; check the cluster's capacity and the pod's events (kubectl describe pod), "
            + "or raise " + KubernetesSettings.START_TIMEOUT + ".");
      }
      awaitChange(id, pods, deadline, "starting");
    }
  }

  private V1Deployment scale(String id, int replicas, Optional<StatusMapper.Exit> exit) {
    JsonObject patch = new JsonObject();
    Cluster.at(patch, "spec").addProperty("replicas", replicas);
    JsonObject annotations = Cluster.at(patch, "metadata", "annotations");
    annotations.addProperty(KubeLabels.STARTED, "true");
    if (exit.isPresent()) {
      annotations.addProperty(KubeLabels.LAST_EXIT, exit.get().encode());
    } else {
      annotations.add(KubeLabels.LAST_EXIT, JsonNull.INSTANCE);
    }
    return cluster.patchDeployment(id, patch, (replicas == 0 ? "stopping" : "starting") + " bot '" + id + "'");
  }

  V1Deployment require(String id) {
    return cluster.deployment(id).orElseThrow(() -> new BotNotFoundException(id, settings.scope()));
  }

  static int replicas(V1Deployment deployment) {
    return Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
  }

  private static Map<String, String> annotations(V1Deployment deployment) {
    return Optional.ofNullable(deployment.getMetadata().getAnnotations()).orElse(Map.of());
  }

  /** Until the bot's pods change after {@code seen} (a watch, or a pause of the poll interval), or the deadline. */
  private void awaitChange(String id, V1PodList seen, Instant deadline, String what) {
    try {
      cluster.awaitPodChange(KubeLabels.KIND_BOT, id, seen, Duration.between(Instant.now(), deadline));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeOperationException("Interrupted while " + what + " bot '" + id + "'", e);
    }
  }
}
