package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.Health;
import dev.berth.runtime.RuntimeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared set-up of the Docker tests: the local engine (skip with a reason when none answers, fail when
 * {@code CI=true}), the test image, unique scopes and a work directory under the build directory.
 */
final class DockerTestSupport {
  static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");
  private static volatile Health engine;

  private DockerTestSupport() {}

  /** Skips the calling test when no engine answers locally; fails it on CI, where one must. */
  static void requireEngine() {
    Health health = engine;
    if (health == null) {
      try (DockerRuntime probe = DockerRuntime.builder().config(RuntimeConfig.of(Map.of("scope", "probe"))).build()) {
        health = probe.health();
      }
      engine = health;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(health.healthy()).as("CI=true needs a Docker engine: %s", health.message()).isTrue();
    }
    Assumptions.assumeTrue(health.healthy(), "No Docker engine answers here: " + health.message());
  }

  /** A scope no other test (or engineer) uses. */
  static String uniqueScope(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The work directory for tests: under target/, removed with the build. */
  static Path workDir() {
    try {
      return Files.createDirectories(Path.of("target", "berth-work").toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A runtime builder for the test engine and a scope. */
  static DockerBuilder<DockerRuntime> runtime(String scope) {
    return DockerRuntime.builder().scope(scope).workDir(workDir()).noObjectStore();
  }

  /** A raw docker-java client on the test engine, for checks independent of the runtime. */
  static DockerConnection connection() {
    return DockerConnection.open(DockerSettings.from(RuntimeConfig.empty()), System.getenv());
  }

  /** The ids of every container, network or image carrying {@code berth.scope=<scope>}; empty when clean. */
  static String leftovers(String scope) {
    return (docker("ps", "-aq", "--filter", "label=berth.scope=" + scope) + " "
        + docker("network", "ls", "-q", "--filter", "label=berth.scope=" + scope)).trim();
  }

  /** Runs the docker CLI (the test's independent view of the engine) and returns its stdout. */
  static String docker(String... args) {
    try {
      java.util.List<String> command = new java.util.ArrayList<>();
      command.add("docker");
      command.addAll(java.util.List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return out.trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
