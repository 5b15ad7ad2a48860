package dev.berth.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.docker.DockerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Docker log throughput: a bot that prints {@value #LINES} lines, read back whole (non-follow, after it
 * exited) and followed from its start until it exits, through Berth's {@code logs} against docker-java's
 * {@code logContainerCmd} with timestamps counting the newlines in the frames (the least a reader must do),
 * interleaved. The follow that starts with the bot reads while it prints, the other one mostly after: the two
 * take turns at going first. Every run checks that every line arrived.
 */
final class DockerLogBenchmark {
  private static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");
  static final int LINES = 200_000;
  private static final int RUNS = 4;
  private static final String FLOOD = "seq 1 " + LINES;

  private DockerLogBenchmark() {}

  static void run() throws Exception {
    String scope = "benchlogs-" + Long.toString(System.nanoTime(), 36);
    Path workDir = Files.createTempDirectory("berth-bench-docker-logs");
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    try (DockerRuntime runtime = DockerRuntime.builder().scope(scope).workDir(workDir).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig()).build();
        DockerClient client = DockerClientImpl.getInstance(config, http)) {
      try {
        measure(runtime, client);
      } finally {
        for (Container left : client.listContainersCmd().withShowAll(true)
            .withLabelFilter(Map.of("berth.scope", scope)).exec()) {
          client.removeContainerCmd(left.getId()).withForce(true).exec();
        }
      }
    } finally {
      Directories.deleteRecursively(workDir);
    }
  }

  private static void measure(DockerRuntime runtime, DockerClient client) throws Exception {
    Samples rawAll = new Samples("docker-java logs, whole (raw)", RUNS);
    Samples berthAll = new Samples("berth logs(), whole", RUNS);
    Samples rawFollow = new Samples("docker-java logs, follow (raw)", RUNS);
    Samples berthFollow = new Samples("berth logs(following()), follow", RUNS);
    for (int i = -1; i < RUNS; i++) {
      String id = "flood-" + (i + 1);
      runtime.create(BotSpec.builder(id).image(IMAGE).command("sh", "-c", FLOOD).build());
      runtime.start(id);
      String container = runtime.status(id).runtimeId();
      // Whichever follows first reads while the bot still prints: the two take turns at that.
      boolean berthFirst = (i & 1) == 0;
      long t0 = System.nanoTime();
      long followed = berthFirst ? berthLines(runtime, id, LogOptions.following()) : 0;
      long rawFollowed = berthFirst ? 0 : rawLines(client, container, true);
      long t1 = System.nanoTime();
      if (berthFirst) {
        rawFollowed = rawLines(client, container, true);
      } else {
        followed = berthLines(runtime, id, LogOptions.following());
      }
      long t2 = System.nanoTime();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (runtime.status(id).state() == BotState.RUNNING && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      long t3 = System.nanoTime();
      long all = berthLines(runtime, id, LogOptions.DEFAULT);
      long t4 = System.nanoTime();
      long rawAllLines = rawLines(client, container, false);
      long t5 = System.nanoTime();
      runtime.delete(id);
      for (long count : new long[] {followed, rawFollowed, all, rawAllLines}) {
        if (count != LINES) {
          throw new IllegalStateException("expected " + LINES + " lines, read " + followed + ", " + rawFollowed
              + ", " + all + ", " + rawAllLines);
        }
      }
      if (i >= 0) {
        berthFollow.add(berthFirst ? t1 - t0 : t2 - t1);
        rawFollow.add(berthFirst ? t2 - t1 : t1 - t0);
        berthAll.add(t4 - t3);
        rawAll.add(t5 - t4);
      }
    }
    System.out.println("Docker: logs of a bot printing " + LINES + " lines (" + RUNS + " runs, interleaved; Berth "
        + "and the raw client take turns at following from the bot's start, every line read)");
    System.out.println(Samples.HEADER);
    System.out.println(rawAll.row(rawAll));
    System.out.println(berthAll.row(rawAll) + rate(berthAll) + "  raw" + rate(rawAll));
    System.out.println(rawFollow.row(rawFollow));
    System.out.println(berthFollow.row(rawFollow) + rate(berthFollow) + "  raw" + rate(rawFollow));
  }

  private static String rate(Samples samples) {
    return String.format(Locale.ROOT, "  %.0f lines/s", LINES / (samples.medianMillis() / 1000.0));
  }

  private static long berthLines(DockerRuntime runtime, String id, LogOptions options) {
    try (Stream<LogLine> lines = runtime.logs(id, options)) {
      return lines.count();
    }
  }

  private static long rawLines(DockerClient client, String container, boolean follow) throws Exception {
    long[] newlines = new long[1];
    try (ResultCallback.Adapter<Frame> callback = client.logContainerCmd(container).withStdOut(true)
        .withStdErr(true).withTimestamps(true).withFollowStream(follow)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            for (byte b : frame.getPayload()) {
              if (b == '\n') {
                newlines[0]++;
              }
            }
          }
        })) {
      callback.awaitCompletion();
    }
    return newlines[0];
  }
}
