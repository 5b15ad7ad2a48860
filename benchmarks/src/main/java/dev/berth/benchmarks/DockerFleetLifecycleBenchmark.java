package dev.berth.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.Resources;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.docker.DockerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Docker at fleet size: N bots created and started from 8 threads, then deleted from 8 threads, through
 * Berth and through raw docker-java doing the same at the same concurrency. The raw side creates containers
 * with the configuration Berth gives a bot (its labels, limits, init, dropped capabilities,
 * {@code no-new-privileges}, a read-only workspace bind), starts them, and removes them with {@code force}.
 * Per fleet size the two sides take turns (the side that goes first alternates), after a small warm-up
 * fleet of each that is not counted. Rows are per bot (each task's create + start, or delete); the wall
 * time of each whole fleet and its ratio follow. Both sides work in scopes of their own, removed at the end.
 */
final class DockerFleetLifecycleBenchmark {
  private static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");
  private static final int THREADS = 8;
  private static final int WARM_UP = 8;
  private static final Resources LIMITS = Resources.builder().memory("64m").cpuMillis(250).pids(64).build();
  private static final Map<String, String> USER_LABELS = Map.of("bench.fleet", "lifecycle");
  private static final List<Capability> KEPT_CAPABILITIES = List.of(Capability.CHOWN, Capability.DAC_OVERRIDE,
      Capability.FOWNER, Capability.FSETID, Capability.SETGID, Capability.SETUID, Capability.KILL,
      Capability.NET_BIND_SERVICE);

  private DockerFleetLifecycleBenchmark() {}

  static void run() throws Exception {
    List<Integer> sizes = sizes(System.getProperty("berth.bench.docker.fleet", "100,200"));
    String scope = "benchfleet-" + Long.toString(System.nanoTime(), 36);
    String rawScope = scope + "-raw";
    Path workDir = Files.createTempDirectory("berth-bench-docker-fleet");
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (DockerRuntime runtime = DockerRuntime.builder().scope(scope).workDir(workDir.resolve("berth")).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig()).maxConnections(100).build();
        DockerClient client = DockerClientImpl.getInstance(config, http)) {
      double load = DockerMachine.loadAverage();
      Sides sides = new Sides(runtime, client, pool, rawScope, Files.createDirectories(workDir.resolve("raw")));
      try {
        sides.fleet("wr", WARM_UP, true, null);
        sides.fleet("wb", WARM_UP, false, null);
        for (int s = 0; s < sizes.size(); s++) {
          int bots = sizes.get(s);
          Fleet raw = new Fleet("docker-java", bots);
          Fleet berth = new Fleet("berth", bots);
          boolean rawFirst = s % 2 == 0;
          sides.fleet("f" + s, bots, rawFirst, rawFirst ? raw : berth);
          sides.fleet("g" + s, bots, !rawFirst, rawFirst ? berth : raw);
          print(bots, raw, berth, rawFirst, DockerMachine.describe(client, load));
        }
      } finally {
        sides.removeLeftovers(scope);
      }
    } finally {
      pool.shutdownNow();
      Directories.deleteRecursively(workDir);
    }
  }

  private static void print(int bots, Fleet raw, Fleet berth, boolean rawFirst, String machine) {
    System.out.printf(Locale.ROOT, "Docker: %d bots created + started, then deleted, %d threads each (%s went "
        + "first; %s)%n", bots, THREADS, rawFirst ? "raw" : "berth", machine);
    System.out.println(Samples.HEADER);
    System.out.println(raw.up.row(raw.up));
    System.out.println(berth.up.row(raw.up));
    System.out.println(raw.down.row(raw.down));
    System.out.println(berth.down.row(raw.down));
    System.out.printf(Locale.ROOT, "  wall: create + start %.1f s raw, %.1f s berth (%.2fx); delete %.1f s raw, "
        + "%.1f s berth (%.2fx)%n", raw.upNanos / 1e9, berth.upNanos / 1e9, (double) berth.upNanos / raw.upNanos,
        raw.downNanos / 1e9, berth.downNanos / 1e9, (double) berth.downNanos / raw.downNanos);
  }

  private static List<Integer> sizes(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(size -> !size.isEmpty()).map(Integer::valueOf)
        .toList();
  }

  /** One side's timings for one fleet size. */
  private static final class Fleet {
    final Samples up;
    final Samples down;
    long upNanos;
    long downNanos;

    Fleet(String side, int bots) {
      this.up = new Samples(side + " create + start (per bot)", bots);
      this.down = new Samples(side + (side.equals("berth") ? " delete" : " remove --force") + " (per bot)", bots);
    }
  }

  /** The two ways of running a fleet, sharing one pool of 8 threads. */
  private static final class Sides {
    private final DockerRuntime runtime;
    private final DockerClient client;
    private final ExecutorService pool;
    private final String rawScope;
    private final Path rawWorkspaces;

    Sides(DockerRuntime runtime, DockerClient client, ExecutorService pool, String rawScope, Path rawWorkspaces) {
      this.runtime = runtime;
      this.client = client;
      this.pool = pool;
      this.rawScope = rawScope;
      this.rawWorkspaces = rawWorkspaces;
    }

    /** Creates and starts {@code bots} bots on one side, then deletes them; records into {@code into} if set. */
    void fleet(String prefix, int bots, boolean raw, Fleet into) throws Exception {
      List<String> ids = new ArrayList<>();
      List<String> containers = new ArrayList<>();
      for (int i = 0; i < bots; i++) {
        ids.add(prefix + "-" + i);
        containers.add(null);
      }
      long t0 = System.nanoTime();
      List<Future<Long>> up = new ArrayList<>();
      for (int i = 0; i < bots; i++) {
        int index = i;
        up.add(pool.submit(() -> {
          long start = System.nanoTime();
          if (raw) {
            containers.set(index, rawUp(ids.get(index)));
          } else {
            berthUp(ids.get(index));
          }
          return System.nanoTime() - start;
        }));
      }
      List<Long> upTimes = collect(up);
      long t1 = System.nanoTime();
      List<Future<Long>> down = new ArrayList<>();
      for (int i = 0; i < bots; i++) {
        int index = i;
        down.add(pool.submit(() -> {
          long start = System.nanoTime();
          if (raw) {
            client.removeContainerCmd(containers.get(index)).withForce(true).exec();
          } else {
            runtime.delete(ids.get(index));
          }
          return System.nanoTime() - start;
        }));
      }
      List<Long> downTimes = collect(down);
      long t2 = System.nanoTime();
      if (into != null) {
        upTimes.forEach(into.up::add);
        downTimes.forEach(into.down::add);
        into.upNanos = t1 - t0;
        into.downNanos = t2 - t1;
      }
    }

    private void berthUp(String id) {
      runtime.create(BotSpec.builder(id).image(IMAGE).command("sleep", "100000").labels(USER_LABELS)
          .resources(LIMITS).build());
      runtime.start(id);
    }

    /** What Berth asks the engine for a bot, without Berth: its labels, limits and secure defaults. */
    private String rawUp(String id) throws Exception {
      Map<String, String> labels = new TreeMap<>(USER_LABELS);
      labels.putAll(Map.of("berth.managed", "true", "berth.scope", rawScope, "berth.kind", "bot", "berth.id", id));
      Path workspace = Files.createDirectories(rawWorkspaces.resolve(id));
      HostConfig host = HostConfig.newHostConfig().withInit(true)
          .withSecurityOpts(List.of("no-new-privileges"))
          .withCapDrop(Capability.ALL).withCapAdd(KEPT_CAPABILITIES.toArray(Capability[]::new))
          .withBinds(new Bind(workspace.toString(), new Volume("/bot"), AccessMode.ro))
          .withMemory(LIMITS.memoryBytes()).withMemorySwap(LIMITS.memoryBytes())
          .withNanoCPUs(LIMITS.cpuMillis() * 1_000_000L).withPidsLimit((long) LIMITS.pids())
          .withRestartPolicy(RestartPolicy.noRestart());
      String containerId = client.createContainerCmd(IMAGE).withName("raw-" + rawScope + "-" + id)
          .withLabels(labels).withEnv("BOT_ID=" + id).withWorkingDir("/bot").withEntrypoint("sleep")
          .withCmd("100000").withHostConfig(host).exec().getId();
      client.startContainerCmd(containerId).exec();
      return containerId;
    }

    /** Removes whatever either side left in its scope, e.g. after a failed step. */
    void removeLeftovers(String scope) {
      for (String each : List.of(scope, rawScope)) {
        for (Container left : client.listContainersCmd().withShowAll(true)
            .withLabelFilter(Map.of("berth.scope", each)).exec()) {
          client.removeContainerCmd(left.getId()).withForce(true).exec();
        }
      }
    }

    private static List<Long> collect(List<Future<Long>> futures) throws Exception {
      List<Long> times = new ArrayList<>();
      for (Future<Long> future : futures) {
        times.add(future.get());
      }
      return times;
    }
  }
}
