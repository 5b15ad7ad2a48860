package dev.berth.runtime.kubernetes.sim;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pod on the engine: volumes, init containers in order (each to completion, a failure fails the pod),
 * then the main containers, restarted per {@code restartPolicy}, with the pod status written back on every
 * change. {@link #terminate} stops and removes every container of the pod and its files; their logs stay
 * readable until the kubelet forgets them, once the pod is gone.
 */
final class PodWorker {
  static final long POLL_MS = 100;
  static final long RESTART_BACKOFF_MS = 1_000;
  static final long TERMINATION_POLL_MS = 50;
  private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);

  private final Kubelet kubelet;
  private final V1Pod pod;
  private final Path root;
  private final PodStatusWriter status;
  private final List<ContainerRun> inits = new ArrayList<>();
  private final List<ContainerRun> mains = new ArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean deleted;
  private PodVolumes volumes;

  PodWorker(Kubelet kubelet, V1Pod pod, Path root) {
    this.kubelet = kubelet;
    this.pod = pod;
    this.root = root;
    Objects.requireNonNullElse(pod.getSpec().getInitContainers(), List.<V1Container>of())
        .forEach(c -> inits.add(new ContainerRun(c, true)));
    pod.getSpec().getContainers().forEach(c -> mains.add(new ContainerRun(c, false)));
    this.status = new PodStatusWriter(kubelet.api, pod, inits, mains);
  }

  String name() {
    return pod.getMetadata().getName();
  }

  Optional<String> containerId(String container, boolean previous) {
    return Optional.ofNullable(find(container)).map(r -> previous ? r.previousId : r.currentId);
  }

  void run() {
    try {
      status.write("Pending", false);
      volumes = waitFor(() -> PodVolumes.materialize(root, pod, kubelet.api), mains);
      for (ContainerRun init : inits) {
        start(init);
        while (!deleted && !init.poll(kubelet.docker) && init.running()) {
          pause(POLL_MS);
        }
        if (deleted) {
          return;
        }
        if (init.terminated() == null || init.terminated().getExitCode() != 0) {
          status.write("Failed", false);
          return;
        }
      }
      for (ContainerRun main : mains) {
        start(main);
      }
      supervise();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ApiException e) {
      LOG.debug("Pod {} stopped being run ({}): {}", name(), e.getCode(), e.getResponseBody());
    } catch (RuntimeException e) {
      LOG.warn("Pod {} stopped being run", name(), e);
    } finally {
      done.countDown();
    }
  }

  private void supervise() throws InterruptedException, ApiException {
    String policy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
    Map<ContainerRun, Long> restartAt = new java.util.HashMap<>();
    while (!deleted) {
      for (ContainerRun main : mains) {
        if (main.poll(kubelet.docker) && !main.lost && restarts(policy, main.terminated().getExitCode())) {
          main.restarting("CrashLoopBackOff");
          // The kubelet restarts a container at once the first time, then backs off.
          restartAt.put(main, System.currentTimeMillis() + (main.restartCount == 1 ? 0 : RESTART_BACKOFF_MS));
        }
        Long at = restartAt.get(main);
        if (at != null && System.currentTimeMillis() >= at) {
          restartAt.remove(main);
          start(main);
        }
      }
      String phase = phase(restartAt.isEmpty());
      status.write(phase, true);
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        return;
      }
      pause(POLL_MS);
    }
  }

  private String phase(boolean noRestartPending) {
    if (mains.stream().anyMatch(m -> m.lost)) {
      return "Failed";
    }
    if (!noRestartPending || mains.stream().anyMatch(m -> m.terminated() == null)) {
      return "Running";
    }
    return mains.stream().allMatch(m -> m.terminated().getExitCode() == 0) ? "Succeeded" : "Failed";
  }

  private static boolean restarts(String policy, int exitCode) {
    return "Always".equals(policy) || ("OnFailure".equals(policy) && exitCode != 0);
  }

  private void start(ContainerRun run) throws InterruptedException, ApiException {
    EnvResolver resolver = new EnvResolver(kubelet.api, pod, Kubelet.POD_IP);
    Map<String, String> env = waitFor(() -> resolver.resolve(run.spec), List.of(run));
    String image = ContainerSpecs.image(run.spec);
    while (!deleted && !kubelet.imagePresent(image)) {
      run.waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\"");
      status.write("Pending", false);
      pause(RESTART_BACKOFF_MS);
    }
    if (deleted) {
      return;
    }
    waitFor(() -> {
      ContainerSpecs.checkNonRoot(kubelet.docker, run.spec, pod.getSpec().getSecurityContext(), name());
      return run;
    }, List.of(run));
    if (deleted) {
      return;
    }
    run.attempt++;
    run.terminationFile = volumes.terminationFile(run.spec.getName(), run.attempt);
    String id = null;
    try {
      id = ContainerSpecs.create(kubelet.docker, kubelet.containerName(pod, run), run.spec,
          pod.getSpec().getSecurityContext(), env, volumes, run.terminationFile, kubelet.labels(pod, run))
          .exec().getId();
      synchronized (this) {
        run.allIds.add(id);
      }
      kubelet.docker.startContainerCmd(id).exec();
      kubelet.logBook.capture(id);
      run.started(id, kubelet.docker);
    } catch (DockerException e) {
      run.startFailed(id, e);
    }
    status.write(run.init ? "Pending" : "Running", !run.init);
  }

  private <T> T waitFor(Attempt<T> attempt, List<ContainerRun> waiting) throws InterruptedException, ApiException {
    while (!deleted) {
      try {
        return attempt.get();
      } catch (PodVolumes.NotReady e) {
        waiting.forEach(r -> r.waiting("CreateContainerConfigError", e.getMessage()));
        status.write("Pending", false);
        pause(RESTART_BACKOFF_MS);
      }
    }
    throw new InterruptedException("pod deleted");
  }

  private interface Attempt<T> {
    T get() throws PodVolumes.NotReady, ApiException;
  }

  private void pause(long millis) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    while (!deleted && System.currentTimeMillis() < until) {
      Thread.sleep(Math.min(20, millis));
    }
  }

  private ContainerRun find(String container) {
    return java.util.stream.Stream.concat(inits.stream(), mains.stream())
        .filter(r -> r.spec.getName().equals(container)).findFirst().orElse(null);
  }

  /** Stops the pod's containers (SIGTERM, then SIGKILL after {@code graceSeconds}) and removes them and its files. */
  void delete(long graceSeconds) {
    Instant deadline = Instant.now().plusSeconds(graceSeconds);
    terminate(() -> deadline);
  }

  /**
   * Stops the pod's containers as the kubelet does for a pod being deleted: SIGTERM to every running one, then
   * SIGKILL to those still running at the deadline, which {@code deadline} may move earlier meanwhile (a second
   * deletion with a shorter grace); then removes them and the pod's files.
   */
  void terminate(Supplier<Instant> deadline) {
    deleted = true;
    try {
      done.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> ids = new ArrayList<>();
    synchronized (this) {
      java.util.stream.Stream.concat(inits.stream(), mains.stream()).forEach(r -> ids.addAll(r.allIds));
    }
    List<String> running = ids.stream().distinct().filter(this::running).collect(Collectors.toList());
    for (String id : running) {
      try {
        kubelet.docker.killContainerCmd(id).withSignal("TERM").exec();
      } catch (DockerException e) {
        LOG.trace("Container {} of pod {} ended before SIGTERM", id, name());
      }
    }
    while (running.stream().anyMatch(this::running) && Instant.now().isBefore(deadline.get())) {
      try {
        Thread.sleep(TERMINATION_POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (String id : ids.stream().distinct().toList()) {
      try {
        kubelet.docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException e) {
        LOG.trace("Container {} of pod {} was already removed", id, name());
      }
    }
    PodVolumes.deleteTree(root);
    LOG.debug("Pod {} removed at {}", name(), Instant.now());
  }

  /** The engine's id of each main container's current run, by container name, for those that have one. */
  synchronized Map<String, String> mainContainerIds() {
    Map<String, String> ids = new java.util.LinkedHashMap<>();
    mains.stream().filter(r -> r.currentId != null).forEach(r -> ids.put(r.spec.getName(), r.currentId));
    return ids;
  }

  /** The engine's ids of every container the pod ran, in every attempt. */
  synchronized List<String> containerIds() {
    List<String> ids = new ArrayList<>();
    java.util.stream.Stream.concat(inits.stream(), mains.stream()).forEach(r -> ids.addAll(r.allIds));
    return ids;
  }

  private boolean running(String containerId) {
    try {
      return Boolean.TRUE.equals(kubelet.docker.inspectContainerCmd(containerId).exec().getState().getRunning());
    } catch (NotFoundException e) {
      return false;
    }
  }
}
