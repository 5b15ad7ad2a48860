package dev.berth.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Docker: create+start+stop+delete of one container through Berth, through raw docker-java (the baseline)
 * and through the docker CLI, interleaved so a busy moment hits all three alike. The workload exits on
 * SIGTERM and runs under an init process in all three.
 */
final class DockerLifecycleBenchmark {
  private static final int CYCLES = Integer.getInteger("berth.bench.docker.cycles", 20);
  private static final int WARM_UP = 3;
  private static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");
  private static final String SCRIPT = "trap 'exit 0' TERM; while true; do sleep 1000 & wait $!; done";
  private static final String DOCKER_CLI = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";

  private DockerLifecycleBenchmark() {}

  static void run() throws Exception {
    String scope = "bench-" + Long.toString(System.nanoTime(), 36);
    Path workDir = Files.createTempDirectory("berth-bench-docker");
    Samples raw = new Samples("docker-java (raw)", CYCLES);
    Samples berth = new Samples("berth docker", CYCLES);
    Samples cli = new Samples("docker CLI", CYCLES);
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    try (DockerRuntime runtime = DockerRuntime.builder().scope(scope).workDir(workDir).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig()).build();
        DockerClient client = DockerClientImpl.getInstance(config, http)) {
      for (int i = -WARM_UP; i < CYCLES; i++) {
        String name = scope + "-" + (i + WARM_UP);
        long t0 = System.nanoTime();
        rawCycle(client, "raw-" + name);
        long t1 = System.nanoTime();
        berthCycle(runtime, "bot-" + (i + WARM_UP));
        long t2 = System.nanoTime();
        cliCycle("cli-" + name);
        long t3 = System.nanoTime();
        if (i >= 0) {
          raw.add(t1 - t0);
          berth.add(t2 - t1);
          cli.add(t3 - t2);
        }
      }
    } finally {
      Directories.deleteRecursively(workDir);
    }
    System.out.println("Docker: create + start + stop + delete of one container (" + IMAGE + ")");
    System.out.println(Samples.HEADER);
    System.out.println(raw.row(raw));
    System.out.println(berth.row(raw));
    System.out.println(cli.row(raw));
  }

  private static void rawCycle(DockerClient client, String name) {
    String id = client.createContainerCmd(IMAGE).withName(name).withCmd("sh", "-c", SCRIPT)
        .withHostConfig(HostConfig.newHostConfig().withInit(true)).exec().getId();
    client.startContainerCmd(id).exec();
    client.stopContainerCmd(id).withTimeout(10).exec();
    client.removeContainerCmd(id).exec();
  }

  private static void berthCycle(DockerRuntime runtime, String id) {
    runtime.create(BotSpec.builder(id).image(IMAGE).command("sh", "-c", SCRIPT).build());
    runtime.start(id);
    runtime.stop(id, Duration.ofSeconds(10));
    runtime.delete(id);
  }

  private static void cliCycle(String name) throws IOException, InterruptedException {
    cli("create", "--init", "--name", name, IMAGE, "sh", "-c", SCRIPT);
    cli("start", name);
    cli("stop", "-t", "10", name);
    cli("rm", name);
  }

  private static void cli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(DOCKER_CLI));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + output);
    }
  }
}
