package dev.berth.runtime.kubernetes.sim;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one node of the simulated cluster: every {@value #PERIOD_MS} ms it lists the namespace's pods, starts a
 * {@link PodWorker} for each new one, terminates the pods marked for deletion (SIGTERM, SIGKILL at the end of
 * their grace period) and then deletes them for good, and removes the containers of pods that vanished at once
 * (a deletion with a grace of 0). Containers carry the cluster's namespace as {@link DockerEngine#CLUSTER_LABEL};
 * {@link #close()} removes every one of them.
 */
final class Kubelet implements AutoCloseable {
  static final String NODE_NAME = "berth-sim-node";
  static final String POD_IP = "127.0.0.1";
  static final long PERIOD_MS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

  final SimApi api;
  final DockerClient docker;
  final LogBook logBook = new LogBook();
  private final SimDispatcher server;
  private final Path root;
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
  private final Map<String, Long> graces = new ConcurrentHashMap<>();
  private final Set<String> terminating = ConcurrentHashMap.newKeySet();
  private final Set<String> images = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool;
  private final Thread loop;
  private volatile boolean running = true;

  Kubelet(SimApi api, SimDispatcher server) {
    this.api = api;
    this.server = server;
    this.docker = DockerEngine.connect();
    try {
      this.root = Files.createTempDirectory("berth-sim-kubelet-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicInteger threads = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, SimulatedCluster.THREAD_PREFIX + "pod-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.loop = new Thread(this::run, SimulatedCluster.THREAD_PREFIX + "kubelet-" + api.namespace);
    loop.setDaemon(true);
    loop.start();
  }

  /** The directory under which pods' volumes live; removed on close. */
  Path root() {
    return root;
  }

  private void run() {
    while (running) {
      try {
        sync(api.core.listNamespacedPod(api.namespace).execute().getItems());
      } catch (ApiException e) {
        LOG.debug("Kubelet pass failed ({}): {}", e.getCode(), e.getResponseBody());
      } catch (RuntimeException e) {
        LOG.warn("Kubelet pass failed", e);
      }
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void sync(List<V1Pod> pods) {
    Set<String> live = pods.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    for (V1Pod pod : pods) {
      String uid = pod.getMetadata().getUid();
      Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
      graces.put(uid, grace == null ? 30 : grace);
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        if (running && terminating.add(uid)) {
          PodWorker worker = workers.get(uid);
          pool.execute(() -> terminate(pod, worker));
        }
        continue;
      }
      if (!workers.containsKey(uid) && running) {
        PodWorker worker = new PodWorker(this, pod, root.resolve(uid));
        workers.put(uid, worker);
        pool.execute(worker::run);
      }
    }
    for (String uid : new ArrayList<>(workers.keySet())) {
      if (!live.contains(uid) && !terminating.contains(uid)) {
        PodWorker worker = workers.remove(uid);
        Long asked = server.takeDeletionGrace(worker.name());
        long grace = asked != null ? asked : graces.getOrDefault(uid, 30L);
        graces.remove(uid);
        pool.execute(() -> {
          worker.delete(grace);
          worker.containerIds().forEach(logBook::forget);
        });
      }
    }
  }

  /** Stops a pod marked for deletion within its grace, then deletes it for good, as the kubelet does. */
  private void terminate(V1Pod pod, PodWorker worker) {
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    try {
      if (worker != null) {
        worker.terminate(() -> {
          Instant deadline = server.deletionDeadline(name);
          return deadline != null && running ? deadline : Instant.now();
        });
      }
      api.core.deleteNamespacedPod(name, api.namespace).gracePeriodSeconds(0).execute();
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        LOG.debug("Deleting terminated pod {} failed ({}): {}", name, e.getCode(), e.getResponseBody());
      }
    } finally {
      if (worker != null) {
        worker.containerIds().forEach(logBook::forget);
      }
      workers.remove(uid);
      graces.remove(uid);
      server.forgetDeletion(name);
      server.takeDeletionGrace(name);
      terminating.remove(uid);
    }
  }

  boolean imagePresent(String image) {
    if (images.contains(image)) {
      return true;
    }
    try {
      docker.inspectImageCmd(image).exec();
      images.add(image);
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  String containerName(V1Pod pod, ContainerRun run) {
    return "berth-sim-" + api.namespace + "-" + pod.getMetadata().getName() + "-" + run.spec.getName() + "-"
        + run.attempt;
  }

  Map<String, String> labels(V1Pod pod, ContainerRun run) {
    return Map.of(DockerEngine.CLUSTER_LABEL, api.namespace, DockerEngine.POD_LABEL, pod.getMetadata().getName(),
        DockerEngine.CONTAINER_LABEL, run.spec.getName());
  }

  LogEndpoint.ContainerLogs logs() {
    return new LogEndpoint.ContainerLogs() {
      @Override
      public Optional<String> containerId(String podUid, String container, boolean previous) {
        PodWorker worker = workers.get(podUid);
        return worker == null ? Optional.empty() : worker.containerId(container, previous);
      }

      @Override
      public List<String> timestampedLines(String containerId, int from) {
        return logBook.lines(containerId, from, engineRuns(containerId));
      }

      @Override
      public List<String> linesSoFar(String containerId, int from) {
        return logBook.lines(containerId, from, true);
      }

      @Override
      public boolean running(String containerId) {
        return logBook.writing(containerId);
      }
    };
  }

  /**
   * The usage of a pod's running main containers, from one engine stats read each (the engine samples twice, a
   * second apart, as metrics-server averages over its window).
   */
  MetricsEndpoint.Source metrics() {
    return podUid -> {
      PodWorker worker = workers.get(podUid);
      Map<String, MetricsEndpoint.Usage> usage = new java.util.LinkedHashMap<>();
      if (worker == null) {
        return usage;
      }
      worker.mainContainerIds().forEach((name, id) -> {
        if (engineRuns(id)) {
          stats(id).ifPresent(u -> usage.put(name, u));
        }
      });
      return usage;
    };
  }

  private Optional<MetricsEndpoint.Usage> stats(String containerId) {
    java.util.concurrent.atomic.AtomicReference<com.github.dockerjava.api.model.Statistics> first =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (var callback = docker.statsCmd(containerId).withNoStream(true)
        .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Statistics>() {
          @Override
          public void onNext(com.github.dockerjava.api.model.Statistics item) {
            first.compareAndSet(null, item);
          }
        })) {
      callback.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (java.io.IOException | RuntimeException e) {
      LOG.debug("No stats of container {}: {}", containerId, e.toString());
      return Optional.empty();
    }
    var stats = first.get();
    if (stats == null || stats.getCpuStats() == null || stats.getMemoryStats() == null) {
      return Optional.empty();
    }
    var now = stats.getCpuStats();
    var before = stats.getPreCpuStats();
    long nanoCores = 0;
    if (before != null && now.getCpuUsage() != null && before.getCpuUsage() != null && now.getSystemCpuUsage() != null
        && before.getSystemCpuUsage() != null && now.getSystemCpuUsage() > before.getSystemCpuUsage()) {
      long used = now.getCpuUsage().getTotalUsage() - before.getCpuUsage().getTotalUsage();
      long cpus = now.getOnlineCpus() == null ? 1 : now.getOnlineCpus();
      nanoCores = Math.max(0, (long) ((double) used / (now.getSystemCpuUsage() - before.getSystemCpuUsage()) * cpus
          * 1_000_000_000L));
    }
    Long memory = stats.getMemoryStats().getUsage();
    return Optional.of(new MetricsEndpoint.Usage(nanoCores, memory == null ? 0 : memory));
  }

  /** Whether the engine runs the container now: once it has stopped, a log read waits for its capture's end. */
  private boolean engineRuns(String containerId) {
    try {
      return Boolean.TRUE.equals(docker.inspectContainerCmd(containerId).exec().getState().getRunning());
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** Stops the loop, removes every pod's containers (no grace: the cluster is going away) and all files. */
  @Override
  public void close() {
    running = false;
    loop.interrupt();
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<PodWorker> all = new ArrayList<>(workers.values());
    workers.clear();
    all.forEach(w -> pool.execute(() -> w.delete(0)));
    pool.shutdown();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (String id : DockerEngine.containersOf(docker, api.namespace)) {
      try {
        docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException e) {
        LOG.trace("Container {} went away by itself", id);
      }
    }
    PodVolumes.deleteTree(root);
    try {
      logBook.close();
      docker.close();
    } catch (IOException e) {
      LOG.debug("Closing the Docker clients failed", e);
    }
  }
}
