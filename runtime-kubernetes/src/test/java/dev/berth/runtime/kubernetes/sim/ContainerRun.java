package dev.berth.runtime.kubernetes.sim;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * One container of a pod across its restarts: the Docker container running now, the one before it (for
 * {@code previous=true} logs), its restart count and its state as the pod status reports it.
 */
final class ContainerRun {
  static final int MESSAGE_LIMIT = 4096;
  private static final long REMOVAL_GRACE_MS = 150;

  final V1Container spec;
  final boolean init;
  volatile String currentId;
  volatile String previousId;
  final List<String> allIds = new ArrayList<>();
  int restartCount;
  int attempt;
  Path terminationFile;
  V1ContainerState state = new V1ContainerState().waiting(new V1ContainerStateWaiting().reason("ContainerCreating"));
  V1ContainerState lastState;
  boolean lost;
  private long killedSeenAt;

  ContainerRun(V1Container spec, boolean init) {
    this.spec = spec;
    this.init = init;
  }

  void waiting(String reason, String message) {
    state = new V1ContainerState().waiting(new V1ContainerStateWaiting().reason(reason).message(message));
  }

  /** Records a started container. */
  void started(String id, DockerClient docker) {
    if (currentId != null) {
      previousId = currentId;
    }
    currentId = id;
    killedSeenAt = 0;
    OffsetDateTime startedAt = time(docker.inspectContainerCmd(id).exec().getState().getStartedAt());
    state = new V1ContainerState().running(new V1ContainerStateRunning().startedAt(startedAt));
  }

  /** A container the engine refused to start: terminated with exit code 128, as the kubelet reports it. */
  void startFailed(String id, DockerException e) {
    if (id != null) {
      previousId = currentId;
      currentId = id;
      killedSeenAt = 0;
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    state = new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(128).reason("StartError")
        .message(e.getMessage()).startedAt(now).finishedAt(now));
  }

  boolean running() {
    return state.getRunning() != null;
  }

  V1ContainerStateTerminated terminated() {
    return state.getTerminated();
  }

  /** Checks the engine: true when the running container has just ended (or was removed behind our back). */
  boolean poll(DockerClient docker) {
    if (!running()) {
      return false;
    }
    InspectContainerResponse.ContainerState engine;
    try {
      engine = docker.inspectContainerCmd(currentId).exec().getState();
    } catch (NotFoundException e) {
      lost = true;
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      state = new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(137)
          .reason("ContainerStatusUnknown").message("The container could not be located when the pod was terminated")
          .startedAt(state.getRunning().getStartedAt()).finishedAt(now));
      return true;
    }
    if (Boolean.TRUE.equals(engine.getRunning()) || "created".equals(engine.getStatus())) {
      return false;
    }
    if (removedMeanwhile(docker)) {
      return poll(docker);
    }
    int exitCode = engine.getExitCodeLong() == null ? -1 : engine.getExitCodeLong().intValue();
    if (exitCode == 137 && !Boolean.TRUE.equals(engine.getOOMKilled()) && awaitingOomEvent()) {
      return false; // the engine may record the OOM event just after the exit: look again on the next poll
    }
    String reason = Boolean.TRUE.equals(engine.getOOMKilled()) ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
    String message = message();
    state = new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(exitCode).reason(reason)
        .message(message.isEmpty() ? null : message).startedAt(time(engine.getStartedAt()))
        .finishedAt(time(engine.getFinishedAt())).containerID("docker://" + currentId));
    return true;
  }

  /** True for about a second after the first look at a SIGKILLed container, while its OOM event may follow. */
  private boolean awaitingOomEvent() {
    long now = System.nanoTime();
    if (killedSeenAt == 0) {
      killedSeenAt = now;
    }
    return now - killedSeenAt < java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
  }

  /**
   * Whether the container that just ended is gone a moment later: {@code docker rm -f} kills before it
   * removes, and a container removed behind the kubelet's back is not one that exited.
   */
  private boolean removedMeanwhile(DockerClient docker) {
    try {
      Thread.sleep(REMOVAL_GRACE_MS);
      docker.inspectContainerCmd(currentId).exec();
      return false;
    } catch (NotFoundException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Keeps the ended state as {@code lastState} before a restart. */
  void restarting(String reason) {
    lastState = state;
    restartCount++;
    waiting(reason, "back-off restarting failed container " + spec.getName());
  }

  V1ContainerStatus status() {
    return new V1ContainerStatus().name(spec.getName()).image(spec.getImage())
        .imageID(ContainerSpecs.image(spec)).containerID(currentId == null ? null : "docker://" + currentId)
        .ready(running() && !init).started(running()).restartCount(restartCount).state(state).lastState(lastState);
  }

  private String message() {
    if (terminationFile == null || !Files.exists(terminationFile)) {
      return "";
    }
    try (InputStream in = Files.newInputStream(terminationFile)) {
      return new String(in.readNBytes(MESSAGE_LIMIT), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static OffsetDateTime time(String engineTime) {
    return engineTime == null || engineTime.startsWith("0001-") ? null : OffsetDateTime.parse(engineTime);
  }
}
