package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RestartPolicy;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A bot's status from its Deployment and the newest of its pods: replicas 0 is STOPPED (CREATED before the first
 * start); otherwise the main container's state decides (running, terminated with exit code and {@code OOMKilled},
 * waiting on an image or a crash-loop back-off), and a Deployment without a live pod is FAILED at once.
 */
final class StatusMapper {
  static final Set<String> FATAL_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
      "CreateContainerConfigError", "CreateContainerError", "ErrImageNeverPull");

  private StatusMapper() {}

  /**
   * How a container ended.
   *
   * @param code its exit code
   * @param oomKilled whether the kernel killed it for its memory limit
   * @param startedAt when it started
   * @param finishedAt when it ended
   * @param message why it ended, for a non-zero code
   */
  record Exit(int code, boolean oomKilled, Optional<Instant> startedAt, Optional<Instant> finishedAt,
      String message) {
    String encode() {
      com.google.gson.JsonObject json = new com.google.gson.JsonObject();
      json.addProperty("code", code);
      json.addProperty("oomKilled", oomKilled);
      startedAt.ifPresent(at -> json.addProperty("startedAt", at.toString()));
      finishedAt.ifPresent(at -> json.addProperty("finishedAt", at.toString()));
      json.addProperty("message", message);
      return json.toString();
    }

    static Optional<Exit> decode(String text) {
      if (text == null) {
        return Optional.empty();
      }
      try {
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(text).getAsJsonObject();
        return Optional.of(new Exit(json.get("code").getAsInt(), json.get("oomKilled").getAsBoolean(),
            Optional.ofNullable(json.get("startedAt")).map(e -> Instant.parse(e.getAsString())),
            Optional.ofNullable(json.get("finishedAt")).map(e -> Instant.parse(e.getAsString())),
            Optional.ofNullable(json.get("message")).map(e -> e.getAsString()).orElse("")));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  static BotStatus map(String id, V1Deployment deployment, List<V1Pod> pods) {
    Map<String, String> annotations = Optional.ofNullable(deployment.getMetadata().getAnnotations()).orElse(Map.of());
    Map<String, String> labels = KubeLabels.userLabels(deployment.getMetadata().getLabels());
    int replicas = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    Optional<V1Pod> pod = newest(pods);
    BotStatus.Builder status = BotStatus.builder(id, BotState.UNKNOWN).labels(labels)
        .runtimeId(pod.map(p -> p.getMetadata().getName()).orElse(deployment.getMetadata().getName()));
    Optional<V1ContainerStatus> container = pod.flatMap(StatusMapper::mainContainer);
    boolean afterLastRun = container.filter(c -> waitsAfterLastRun(c, restartPolicy(deployment))).isPresent();
    container.ifPresent(c -> status.restartCount(Math.max(0,
        Optional.ofNullable(c.getRestartCount()).orElse(0) - (afterLastRun ? 1 : 0))));
    if (replicas == 0) {
      Optional<Exit> exit = Exit.decode(annotations.get(KubeLabels.LAST_EXIT));
      if (exit.isPresent()) {
        return exited(status, exit.get()).build();
      }
      return status.state(annotations.containsKey(KubeLabels.STARTED) ? BotState.STOPPED : BotState.CREATED).build();
    }
    if (pod.isEmpty() || pod.get().getMetadata().getDeletionTimestamp() != null) {
      return status.state(BotState.FAILED).message("its pod is gone: it was deleted outside Berth or could not be "
          + "created; the Deployment controller replaces it (see kubectl describe deployment "
          + deployment.getMetadata().getName() + ")").build();
    }
    if (container.isEmpty() || container.get().getState() == null) {
      return pendingStatus(status, pod.get(), annotations, pending(pod.get()));
    }
    V1ContainerState state = container.get().getState();
    if (afterLastRun) {
      return exited(status, exit(container.get().getLastState().getTerminated(), pod.get())).build();
    }
    if (state.getRunning() != null) {
      instant(state.getRunning().getStartedAt()).ifPresent(status::startedAt);
      return status.state(BotState.RUNNING).build();
    }
    if (state.getTerminated() != null) {
      return exited(status, exit(state.getTerminated(), pod.get())).build();
    }
    V1ContainerStateWaiting waiting = state.getWaiting();
    String reason = waiting == null ? "" : String.valueOf(waiting.getReason());
    String detail = waiting == null || waiting.getMessage() == null ? "" : ": " + waiting.getMessage();
    V1ContainerState last = container.get().getLastState();
    if (last != null && last.getTerminated() != null) {
      Exit exit = exit(last.getTerminated(), pod.get());
      return exited(status, exit).message(exit.message() + (exit.message().isEmpty() ? "" : "; ")
          + "waiting to be restarted (" + reason + detail + ")").build();
    }
    if (FATAL_WAITING.contains(reason)) {
      return status.state(BotState.FAILED).message("its container cannot start (" + reason + detail + ")").build();
    }
    return pendingStatus(status, pod.get(), annotations, "starting (" + reason + detail + ")");
  }

  /**
   * A pod whose container has not run yet. Before the first start that is CREATED; after it, {@code start} waited
   * for a running pod, so a pending one replaced a pod that went away behind Berth's back (deleted, or its node
   * failed): FAILED at once, saying so.
   */
  private static BotStatus pendingStatus(BotStatus.Builder status, V1Pod pod, Map<String, String> annotations,
      String why) {
    if (!annotations.containsKey(KubeLabels.STARTED)) {
      return status.state(BotState.CREATED).message(why).build();
    }
    return status.state(BotState.FAILED).message("its pod was replaced outside Berth (deleted, or its node failed); "
        + "the new pod " + pod.getMetadata().getName() + " has not run yet: " + why).build();
  }

  /**
   * As {@link #lastExit(V1Pod)}, also when the container is the script waiting after the program's last run under
   * {@code policy}.
   */
  static Optional<Exit> lastExit(V1Pod pod, RestartPolicy policy) {
    return lastExit(pod).or(() -> waitsAfterLastRun(pod, policy)
        ? Optional.of(exit(mainContainer(pod).orElseThrow().getLastState().getTerminated(), pod)) : Optional.empty());
  }

  /** The exit of the main container of a pod whose container has ended (now or before a restart). */
  static Optional<Exit> lastExit(V1Pod pod) {
    return mainContainer(pod).flatMap(c -> {
      if (c.getState() != null && c.getState().getTerminated() != null) {
        return Optional.of(exit(c.getState().getTerminated(), pod));
      }
      if (c.getState() != null && c.getState().getWaiting() != null && c.getLastState() != null
          && c.getLastState().getTerminated() != null) {
        return Optional.of(exit(c.getLastState().getTerminated(), pod));
      }
      return Optional.empty();
    });
  }

  static Exit exit(V1ContainerStateTerminated terminated, V1Pod pod) {
    boolean oom = "OOMKilled".equals(terminated.getReason());
    int code = terminated.getExitCode() != null ? terminated.getExitCode() : oom ? 137 : -1;
    code = oom && code == 0 ? 137 : code;
    Exit bare = new Exit(code, oom, instant(terminated.getStartedAt()), instant(terminated.getFinishedAt()), "");
    return new Exit(code, oom, bare.startedAt(), bare.finishedAt(), exitMessage(bare, terminated, pod));
  }

  /**
   * Whether the main container is the {@link StreamTags} script waiting after the program's last run: it runs, its
   * previous instance ended, and the bot's restart policy allows no run after that one. The kubelet counts that
   * container as one restart more than the program had.
   */
  static boolean waitsAfterLastRun(V1ContainerStatus container, RestartPolicy policy) {
    V1ContainerState state = container.getState();
    V1ContainerState last = container.getLastState();
    if (state == null || state.getRunning() == null || last == null || last.getTerminated() == null) {
      return false;
    }
    int restarts = Optional.ofNullable(container.getRestartCount()).orElse(0);
    Integer code = last.getTerminated().getExitCode();
    return restarts > 0 && code != null && !policy.shouldRestart(code, restarts - 1);
  }

  /** As {@link #waitsAfterLastRun(V1ContainerStatus, RestartPolicy)}, for the pod's main container. */
  static boolean waitsAfterLastRun(V1Pod pod, RestartPolicy policy) {
    return mainContainer(pod).filter(c -> waitsAfterLastRun(c, policy)).isPresent();
  }

  /** The restart policy Berth wrote on the bot's Deployment. */
  static RestartPolicy restartPolicy(V1Deployment deployment) {
    Map<String, String> annotations = Optional.ofNullable(deployment.getMetadata().getAnnotations()).orElse(Map.of());
    return BotManifests.restartPolicy(annotations.get(KubeLabels.RESTART_POLICY));
  }

  private static BotStatus.Builder exited(BotStatus.Builder status, Exit exit) {
    exit.startedAt().ifPresent(status::startedAt);
    exit.finishedAt().ifPresent(status::finishedAt);
    status.exitCode(exit.code()).oomKilled(exit.oomKilled()).message(exit.message());
    return status.state(exit.code() == 0 ? BotState.STOPPED : BotState.FAILED);
  }

  /**
   * Why a container ended, naming the program when the shell's "not found" (127) or "not executable" (126) codes
   * say it could not be run, and the kubelet's reason and message when it gave them.
   */
  static String exitMessage(Exit exit, V1ContainerStateTerminated terminated, V1Pod pod) {
    if (exit.code() == 0) {
      return "";
    }
    StringBuilder message = new StringBuilder(exit.oomKilled() ? "killed: out of memory (exit code " + exit.code()
        + ")" : "exited with code " + exit.code());
    if (exit.code() == 126 || exit.code() == 127) {
      program(pod).ifPresent(program -> message.append(exit.code() == 127 ? ": program '" + program
          + "' was not found in the image; check the command and the image's PATH" : ": program '" + program
          + "' is not executable"));
    }
    if (terminated.getReason() != null && !terminated.getReason().equals("Error") && !exit.oomKilled()) {
      message.append(" (").append(terminated.getReason()).append(')');
    }
    return message.toString();
  }

  private static Optional<String> program(V1Pod pod) {
    return Optional.ofNullable(pod.getSpec()).map(spec -> spec.getContainers()).flatMap(containers ->
        containers.stream().filter(c -> BotManifests.CONTAINER.equals(c.getName())
            || PodTemplates.BACKTEST_CONTAINER.equals(c.getName())).findFirst())
        .flatMap(c -> Optional.ofNullable(c.getCommand())).flatMap(StatusMapper::program);
  }

  /** The program of a container's argv, past the backtest wrapper and the {@link StreamTags} script. */
  static Optional<String> program(List<String> command) {
    List<String> argv = command;
    if (argv.size() > 4 && argv.get(3).equals(JobManifests.WRAPPER_NAME)) {
      argv = argv.subList(4, argv.size());
    }
    argv = StreamTags.unwrap(argv);
    return argv.isEmpty() ? Optional.empty() : Optional.of(PodTemplates.asWritten(argv.get(0)));
  }

  /** The newest pod, preferring one that is not being deleted. */
  static Optional<V1Pod> newest(List<V1Pod> pods) {
    Comparator<V1Pod> byAge = Comparator.comparing(p -> Optional.ofNullable(p.getMetadata().getCreationTimestamp())
        .map(OffsetDateTime::toInstant).orElse(Instant.EPOCH));
    Optional<V1Pod> live = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).max(byAge);
    return live.isPresent() ? live : pods.stream().max(byAge);
  }

  static Optional<V1ContainerStatus> mainContainer(V1Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    List<V1ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses.stream().filter(c -> BotManifests.CONTAINER.equals(c.getName())
        || PodTemplates.BACKTEST_CONTAINER.equals(c.getName())).findFirst().or(() -> statuses.stream().findFirst());
  }

  /** Why a pod has no running container yet: its scheduling condition, else its phase. */
  static String pending(V1Pod pod) {
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (V1PodCondition condition : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
          return "not scheduled yet (" + condition.getReason() + ": " + condition.getMessage() + ")";
        }
      }
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "pod " + pod.getMetadata().getName() + " is " + (phase == null ? "Pending" : phase);
  }

  static Optional<Instant> instant(OffsetDateTime time) {
    return Optional.ofNullable(time).map(OffsetDateTime::toInstant);
  }
}
