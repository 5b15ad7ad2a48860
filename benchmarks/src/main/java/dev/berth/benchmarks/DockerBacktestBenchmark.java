package dev.berth.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.docker.DockerBacktestRunner;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Docker: short backtests end to end, {@code DockerBacktestRunner} (submit, await the result) against a raw
 * docker-java script doing the same work (create a container whose shell writes a result JSON file, start
 * it, wait for its exit, copy the result out of it, remove it), each from 8 threads. The raw container gets
 * the configuration Berth gives a backtest (its labels, init, dropped capabilities, {@code no-new-privileges},
 * a writable workspace bind as the working directory). The backtests run in rounds of 10 per side, the side
 * that goes first alternating, after a warm-up round of each that is not counted. Rows are per backtest
 * (submit to result); the wall time of each side's rounds and its ratio follow. Both sides work in scopes
 * of their own, removed at the end.
 */
final class DockerBacktestBenchmark {
  private static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");
  private static final int BACKTESTS = Integer.getInteger("berth.bench.docker.backtests", 50);
  private static final int THREADS = 8;
  private static final int ROUND = 10;
  private static final String RESULT = "{\"pnl\":12.5,\"trades\":42}";
  private static final String SCRIPT = "echo '" + RESULT + "' > result.json";
  private static final List<Capability> KEPT_CAPABILITIES = List.of(Capability.CHOWN, Capability.DAC_OVERRIDE,
      Capability.FOWNER, Capability.FSETID, Capability.SETGID, Capability.SETUID, Capability.KILL,
      Capability.NET_BIND_SERVICE);

  private DockerBacktestBenchmark() {}

  static void run() throws Exception {
    String scope = "benchbt-" + Long.toString(System.nanoTime(), 36);
    String rawScope = scope + "-raw";
    Path workDir = Files.createTempDirectory("berth-bench-docker-backtest");
    Path rawWorkspaces = Files.createDirectories(workDir.resolve("raw"));
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    Samples raw = new Samples("docker-java script (raw)", BACKTESTS);
    Samples berth = new Samples("berth DockerBacktestRunner", BACKTESTS);
    long[] wall = new long[2];
    double load = DockerMachine.loadAverage();
    String machine;
    // Without a store the runner warns once that results are not stored; the baseline stores none either.
    System.setProperty("org.slf4j.simpleLogger.log.dev.berth.runtime.core.internal.StoreAccess", "error");
    try (BacktestRunner runner = DockerBacktestRunner.builder().scope(scope).workDir(workDir.resolve("berth"))
            .noObjectStore().build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig()).maxConnections(256).build();
        DockerClient client = DockerClientImpl.getInstance(config, http)) {
      Raw script = new Raw(client, rawScope, rawWorkspaces);
      try {
        int rounds = (BACKTESTS + ROUND - 1) / ROUND;
        for (int r = -1; r < rounds; r++) {
          int count = r < 0 ? Math.min(ROUND, THREADS) : Math.min(ROUND, BACKTESTS - r * ROUND);
          String prefix = r < 0 ? "w" : "r" + r;
          for (int side = 0; side < 2; side++) {
            boolean rawSide = (side == 0) == (r % 2 == 0);
            long t0 = System.nanoTime();
            List<Long> times = round(pool, count, i -> rawSide ? () -> script.backtest(prefix + "-" + i)
                : () -> berth(runner, prefix + "-" + i));
            if (r >= 0) {
              wall[rawSide ? 0 : 1] += System.nanoTime() - t0;
              times.forEach(rawSide ? raw::add : berth::add);
            }
          }
        }
        machine = DockerMachine.describe(client, load);
      } finally {
        for (String each : List.of(scope, rawScope)) {
          for (Container left : client.listContainersCmd().withShowAll(true)
              .withLabelFilter(Map.of("berth.scope", each)).exec()) {
            client.removeContainerCmd(left.getId()).withForce(true).exec();
          }
        }
      }
    } finally {
      pool.shutdownNow();
      Directories.deleteRecursively(workDir);
    }
    System.out.printf(Locale.ROOT, "Docker: %d short backtests end to end per side, %d threads, rounds of %d "
        + "taking turns (%s; %s)%n", BACKTESTS, THREADS, ROUND, IMAGE, machine);
    System.out.println(Samples.HEADER);
    System.out.println(raw.row(raw));
    System.out.println(berth.row(raw));
    System.out.printf(Locale.ROOT, "  wall: %.1f s raw, %.1f s berth (%.2fx)%n", wall[0] / 1e9, wall[1] / 1e9,
        (double) wall[1] / wall[0]);
  }

  private static long berth(BacktestRunner runner, String id) {
    BacktestResult result = runner.submit(BacktestSpec.builder(id).image(IMAGE).command("sh", "-c", SCRIPT)
        .build()).await();
    if (!result.succeeded() || !result.resultJson().map(json -> json.trim().equals(RESULT)).orElse(false)) {
      throw new IllegalStateException("backtest " + id + " ended " + result.state() + " with " + result.resultJson()
          + ": " + result.message());
    }
    return 0;
  }

  private interface Task {
    Callable<Long> of(int index);
  }

  private static List<Long> round(ExecutorService pool, int count, Task task) throws Exception {
    List<Future<Long>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Callable<Long> work = task.of(i);
      futures.add(pool.submit(() -> {
        long start = System.nanoTime();
        work.call();
        return System.nanoTime() - start;
      }));
    }
    List<Long> times = new ArrayList<>();
    for (Future<Long> future : futures) {
      times.add(future.get());
    }
    return times;
  }

  /** The raw docker-java script. */
  private static final class Raw {
    private final DockerClient client;
    private final String scope;
    private final Path workspaces;

    Raw(DockerClient client, String scope, Path workspaces) {
      this.client = client;
      this.scope = scope;
      this.workspaces = workspaces;
    }

    long backtest(String id) throws Exception {
      Path workspace = Files.createDirectories(workspaces.resolve(id));
      HostConfig host = HostConfig.newHostConfig().withInit(true)
          .withSecurityOpts(List.of("no-new-privileges"))
          .withCapDrop(Capability.ALL).withCapAdd(KEPT_CAPABILITIES.toArray(Capability[]::new))
          .withBinds(new Bind(workspace.toString(), new Volume("/backtest"), AccessMode.rw));
      String containerId = client.createContainerCmd(IMAGE).withName("raw-" + scope + "-" + id)
          .withLabels(Map.of("berth.managed", "true", "berth.scope", scope, "berth.kind", "backtest", "berth.id", id))
          .withEnv("BOT_ID=" + id).withWorkingDir("/backtest").withEntrypoint("sh").withCmd("-c", SCRIPT)
          .withHostConfig(host).exec().getId();
      try {
        client.startContainerCmd(containerId).exec();
        int code = client.waitContainerCmd(containerId).start().awaitStatusCode();
        String json = copyResult(containerId);
        if (code != 0 || !json.trim().equals(RESULT)) {
          throw new IllegalStateException("raw backtest " + id + " exited " + code + " with " + json);
        }
      } finally {
        client.removeContainerCmd(containerId).withForce(true).exec();
        Directories.deleteRecursively(workspace);
      }
      return 0;
    }

    private String copyResult(String containerId) throws Exception {
      try (InputStream tar = client.copyArchiveFromContainerCmd(containerId, "/backtest/result.json").exec();
          TarArchiveInputStream entries = new TarArchiveInputStream(tar)) {
        TarArchiveEntry entry = entries.getNextEntry();
        if (entry == null || !entry.isFile()) {
          throw new IllegalStateException("no result file in " + containerId);
        }
        return new String(entries.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
