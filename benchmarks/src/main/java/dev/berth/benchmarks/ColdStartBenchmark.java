package dev.berth.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.Runtimes;
import dev.berth.runtime.core.internal.Directories;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cold start: a fresh JVM's time from {@code main} to the first successful call, for
 * {@code Runtimes.create("local")} and {@code Runtimes.create("docker")} (each followed by {@code list()}),
 * against a raw docker-java client built and asked for {@code listContainers}. Both runtimes use the default
 * file-system store, in a temporary directory. Each sample is its own child
 * JVM with this classpath; the three kinds take turns.
 */
final class ColdStartBenchmark {
  private static final int RUNS = 5;
  private static final List<String> KINDS = List.of("raw-docker", "docker", "local");

  private ColdStartBenchmark() {}

  static void run() throws Exception {
    Path stateDir = Files.createTempDirectory("berth-bench-cold");
    try {
      Map<String, Samples> samples = new java.util.LinkedHashMap<>();
      KINDS.forEach(kind -> samples.put(kind, new Samples(label(kind), RUNS)));
      for (int i = -1; i < RUNS; i++) {
        for (String kind : KINDS) {
          long nanos = child(kind, stateDir);
          if (i >= 0) {
            samples.get(kind).add(nanos);
          }
        }
      }
      System.out.println("Cold start: a fresh JVM from main() to the first successful call (" + RUNS
          + " JVMs each, taking turns)");
      System.out.println(Samples.HEADER);
      System.out.println(samples.get("raw-docker").row(samples.get("raw-docker")));
      System.out.println(samples.get("docker").row(samples.get("raw-docker")));
      System.out.println(samples.get("local").row(samples.get("local")));
    } finally {
      Directories.deleteRecursively(stateDir);
    }
  }

  private static String label(String kind) {
    return switch (kind) {
      case "raw-docker" -> "docker-java client + listContainers (raw)";
      case "docker" -> "Runtimes.create(\"docker\") + list()";
      default -> "Runtimes.create(\"local\") + list()";
    };
  }

  /** Runs one child JVM and returns the nanoseconds it reported. */
  private static long child(String kind, Path stateDir) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        ColdStartBenchmark.class.getName(), kind, stateDir.toString()));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    String line;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      line = out.readLine();
    }
    if (process.waitFor() != 0 || line == null) {
      throw new IllegalStateException("the cold start child for " + kind + " failed");
    }
    return Long.parseLong(line.strip());
  }

  /** In the child: the first successful call of {@code args[0]}, timed from the JVM's start. */
  public static void main(String[] args) throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    switch (args[0]) {
      case "raw-docker" -> {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        try (ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig()).build();
            DockerClient client = DockerClientImpl.getInstance(config, http)) {
          client.listContainersCmd().withLabelFilter(Map.of("berth.scope", "cold")).exec();
        }
      }
      case "docker" -> {
        try (Runtime runtime = Runtimes.create("docker", RuntimeConfig.of(Map.of("scope", "cold",
            "docker.work-dir", args[1], "store.root", args[1] + "/store")))) {
          runtime.list();
        }
      }
      default -> {
        try (Runtime runtime = Runtimes.create("local", RuntimeConfig.of(Map.of("scope", "cold",
            "local.state-dir", args[1], "store.root", args[1] + "/store")))) {
          runtime.list();
        }
      }
    }
    System.out.println((System.currentTimeMillis() - jvmStart) * 1_000_000L);
  }
}
