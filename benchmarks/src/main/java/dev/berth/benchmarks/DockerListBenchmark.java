package dev.berth.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.docker.DockerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Docker at fleet size: {@code list()} of the scope's running bots against raw docker-java
 * {@code listContainers} with the same label filter, and {@code status()} of one bot against one raw
 * inspect, interleaved after warm-up. A third row is the raw cost of what a list that inspects every
 * container one at a time would pay (list + one inspect per container), as {@code list()} did before it
 * reused inspections. The rounds run twice: right after the bots started (every container is younger than
 * two minutes, so {@code list()} inspects each, several at a time) and once they are two minutes old
 * (the list response vouches for them). Everything is created in a scope of its own and
 * removed at the end, also when a step fails.
 */
final class DockerListBenchmark {
  private static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");
  private static final int BOTS = Integer.getInteger("berth.bench.docker.bots", 100);
  private static final int RUNS = Integer.getInteger("berth.bench.docker.runs", 30);
  private static final int WARM_UP = 5;
  private static final int THREADS = 8;

  private DockerListBenchmark() {}

  static void run() throws Exception {
    String scope = "benchlist-" + Long.toString(System.nanoTime(), 36);
    Path workDir = Files.createTempDirectory("berth-bench-docker-list");
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (DockerRuntime runtime = DockerRuntime.builder().scope(scope).workDir(workDir).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig()).build();
        DockerClient client = DockerClientImpl.getInstance(config, http)) {
      try {
        long t0 = System.nanoTime();
        List<Future<?>> started = new ArrayList<>();
        for (int i = 0; i < BOTS; i++) {
          String id = "bot-" + i;
          started.add(pool.submit(() -> {
            runtime.create(BotSpec.builder(id).image(IMAGE).command("sleep", "100000").build());
            runtime.start(id);
          }));
        }
        for (Future<?> future : started) {
          future.get();
        }
        System.out.printf(Locale.ROOT, "Docker: %d bots created and started with %d threads in %.1f s%n", BOTS,
            THREADS, (System.nanoTime() - t0) / 1e9);
        measure(runtime, client, scope, "younger than 2 minutes: list() inspects each, 4 at a time");
        // From two minutes of listed age on, list() reuses the inspection of a container the list vouches for.
        long settledAt = System.nanoTime() + Duration.ofMinutes(2).plusSeconds(5).toNanos();
        while (System.nanoTime() < settledAt) {
          Thread.sleep(Math.max(1, (settledAt - System.nanoTime()) / 1_000_000));
        }
        measure(runtime, client, scope, "settled (2 minutes and older): list() reuses inspections");
      } finally {
        long t1 = System.nanoTime();
        List<Future<?>> deleted = new ArrayList<>();
        for (int i = 0; i < BOTS; i++) {
          String id = "bot-" + i;
          deleted.add(pool.submit(() -> {
            try {
              runtime.delete(id);
            } catch (RuntimeException e) {
              // not created: nothing to remove
            }
          }));
        }
        for (Future<?> future : deleted) {
          future.get();
        }
        System.out.printf(Locale.ROOT, "Docker: %d bots deleted with %d threads in %.1f s%n", BOTS, THREADS,
            (System.nanoTime() - t1) / 1e9);
        for (Container left : client.listContainersCmd().withShowAll(true)
            .withLabelFilter(Map.of("berth.scope", scope)).exec()) {
          client.removeContainerCmd(left.getId()).withForce(true).exec();
        }
      }
    } finally {
      pool.shutdownNow();
      Directories.deleteRecursively(workDir);
    }
  }

  private static void measure(DockerRuntime runtime, DockerClient client, String scope, String fleet) {
    Map<String, String> labels = Map.of("berth.managed", "true", "berth.scope", scope, "berth.kind", "bot");
    Samples rawList = new Samples("docker-java listContainers (raw)", RUNS);
    Samples berthList = new Samples("berth list()", RUNS);
    Samples rawInspectAll = new Samples("raw list + inspect each, one at a time", RUNS);
    Samples rawInspect = new Samples("docker-java inspectContainer (raw)", RUNS);
    Samples berthStatus = new Samples("berth status()", RUNS);
    String containerId = runtime.status("bot-0").runtimeId();
    for (int i = -WARM_UP; i < RUNS; i++) {
      long t0 = System.nanoTime();
      List<Container> raw = client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
      long t1 = System.nanoTime();
      List<BotStatus> listed = runtime.list();
      long t2 = System.nanoTime();
      for (Container container : client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
        client.inspectContainerCmd(container.getId()).exec();
      }
      long t3 = System.nanoTime();
      client.inspectContainerCmd(containerId).exec();
      long t4 = System.nanoTime();
      runtime.status("bot-0");
      long t5 = System.nanoTime();
      if (raw.size() != BOTS || listed.size() != BOTS) {
        throw new IllegalStateException("expected " + BOTS + " bots, raw listed " + raw.size() + ", berth "
            + listed.size());
      }
      if (i >= 0) {
        rawList.add(t1 - t0);
        berthList.add(t2 - t1);
        rawInspectAll.add(t3 - t2);
        rawInspect.add(t4 - t3);
        berthStatus.add(t5 - t4);
      }
    }
    System.out.println("Docker: list and status with " + BOTS + " managed running containers, " + fleet
        + " (interleaved, " + WARM_UP + " warm-up rounds)");
    System.out.println(Samples.HEADER);
    System.out.println(rawList.row(rawList));
    System.out.println(berthList.row(rawList));
    System.out.println(rawInspectAll.row(rawList));
    System.out.println(rawInspect.row(rawInspect));
    System.out.println(berthStatus.row(rawInspect));
  }
}
