package dev.berth.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.Health;
import dev.berth.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** The local Docker engine for the {@code docker} tests: skipped with the reason when none answers, unless on CI. */
final class DockerEngine {
  static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");

  private DockerEngine() {}

  static void require() {
    Health health;
    try (DockerRuntime probe = DockerRuntime.builder().workDir(workDir()).noObjectStore().build()) {
      health = probe.health();
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(health.healthy()).as("CI=true needs a Docker engine: %s", health.message()).isTrue();
    }
    Assumptions.assumeTrue(health.healthy(), "No Docker engine answers here: " + health.message());
  }

  /** Workspaces the engine mounts: under target/, removed with the build. */
  static Path workDir() {
    try {
      return Files.createDirectories(Path.of("target", "berth-work").toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String scope(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
