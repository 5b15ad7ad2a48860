package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.runtime.BotSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Mean time of create + start + stop + delete of one container, through Berth, through raw docker-java
 * and through the docker CLI, with the same workload (exits on SIGTERM) and an init process. Prints the
 * numbers; asserts only that every cycle worked and left nothing. Run with
 * {@code ./mvnw -pl runtime-docker test -Dberth.excluded-tags=none -Dtest=CycleBenchmarkTest}.
 */
@Tag("docker")
@Tag("benchmark")
class CycleBenchmarkTest {
  private static final int CYCLES = 50;
  private static final int WARM_UP = 5;
  private static final String SCRIPT = "trap 'exit 0' TERM; while true; do sleep 1000 & wait $!; done";
  private static final String SCOPE = DockerTestSupport.uniqueScope("bench");

  @Test
  void berthVersusDockerJavaVersusTheCli() {
    DockerTestSupport.requireEngine();
    long[][] nanos = new long[3][CYCLES];
    try (DockerRuntime berth = DockerTestSupport.runtime(SCOPE).build();
        DockerConnection raw = DockerTestSupport.connection()) {
      for (int i = -WARM_UP; i < CYCLES; i++) {
        // Interleaved, so a busy moment on the shared machine hits all three alike.
        long t0 = System.nanoTime();
        berthCycle(berth, "bot-" + (i + WARM_UP));
        long t1 = System.nanoTime();
        rawCycle(raw.client(), "raw-" + SCOPE + "-" + (i + WARM_UP));
        long t2 = System.nanoTime();
        cliCycle("cli-" + SCOPE + "-" + (i + WARM_UP));
        long t3 = System.nanoTime();
        if (i >= 0) {
          nanos[0][i] = t1 - t0;
          nanos[1][i] = t2 - t1;
          nanos[2][i] = t3 - t2;
        }
      }
      assertThat(berth.list()).isEmpty();
    }
    report("berth", nanos[0], nanos[1]);
    report("docker-java", nanos[1], nanos[1]);
    report("docker CLI", nanos[2], nanos[1]);
    assertThat(DockerTestSupport.docker("ps", "-aq", "--filter", "name=" + SCOPE)).isEmpty();
    assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
  }

  private static void berthCycle(DockerRuntime berth, String id) {
    berth.create(BotSpec.builder(id).image(DockerTestSupport.IMAGE).command("sh", "-c", SCRIPT).build());
    berth.start(id);
    berth.stop(id, Duration.ofSeconds(10));
    berth.delete(id);
  }

  private static void rawCycle(DockerClient client, String name) {
    String id = client.createContainerCmd(DockerTestSupport.IMAGE).withName(name).withCmd("sh", "-c", SCRIPT)
        .withHostConfig(HostConfig.newHostConfig().withInit(true)).exec().getId();
    client.startContainerCmd(id).exec();
    client.stopContainerCmd(id).withTimeout(10).exec();
    client.removeContainerCmd(id).exec();
  }

  private static void cliCycle(String name) {
    cli("create", "--init", "--name", name, DockerTestSupport.IMAGE, "sh", "-c", SCRIPT);
    cli("start", name);
    cli("stop", "-t", "10", name);
    cli("rm", name);
  }

  private static void cli(String... args) {
    List<String> command = new ArrayList<>(List.of("/usr/bin/docker"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("docker %s", String.join(" ", args)).isZero();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void report(String what, long[] nanos, long[] baseline) {
    double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
    double base = Arrays.stream(baseline).average().orElse(1) / 1e6;
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    // A measurement, not library code: the numbers are the point of this test.
    System.out.println(String.format(Locale.ROOT, "create+start+stop+delete via %-11s mean %6.1f ms, median %6.1f ms"
        + " (%+.1f%% vs docker-java, %d cycles)", what, mean, sorted[sorted.length / 2] / 1e6,
        (mean / base - 1) * 100, nanos.length));
  }
}
