package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import dev.berth.runtime.Health;
import dev.berth.runtime.RuntimeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    engineAnswers();
    Health health = engine;
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

  /**
   * The ids of every container or network carrying {@code berth.scope=<scope>}; empty when clean, and when
   * no engine answers (the tests that would have left something were skipped). Asks the engine through
   * docker-java, so neither a docker CLI nor a reachable engine is needed to run the test classes.
   */
  static String leftovers(String scope) {
    if (!engineAnswers()) {
      return "";
    }
    Map<String, String> label = Map.of(Labels.SCOPE, scope);
    try (DockerConnection connection = connection()) {
      return Stream.concat(containerIds(connection, label).stream(), connection.client().listNetworksCmd()
          .withFilter("label", List.of(Labels.SCOPE + "=" + scope)).exec().stream().map(Network::getId))
          .collect(Collectors.joining(" "));
    }
  }

  /** The ids of every container (running or not) carrying all of {@code labels}. */
  static List<String> containerIds(Map<String, String> labels) {
    try (DockerConnection connection = connection()) {
      return containerIds(connection, labels);
    }
  }

  private static List<String> containerIds(DockerConnection connection, Map<String, String> labels) {
    return connection.client().listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
        .map(Container::getId).collect(Collectors.toList());
  }

  /** Whether a container with this id exists. */
  static boolean containerExists(String containerId) {
    try (DockerConnection connection = connection()) {
      return !connection.client().listContainersCmd().withShowAll(true).withIdFilter(List.of(containerId)).exec()
          .isEmpty();
    }
  }

  /** The container's name, e.g. {@code /berth-scope-bot}. */
  static String containerName(String containerId) {
    try (DockerConnection connection = connection()) {
      return connection.client().inspectContainerCmd(containerId).exec().getName();
    }
  }

  /** Removes a container the way {@code docker rm -f} does: behind the runtime's back. */
  static void removeContainer(String containerId) {
    try (DockerConnection connection = connection()) {
      connection.client().removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    }
  }

  private static boolean engineAnswers() {
    Health health = engine;
    if (health == null) {
      try (DockerRuntime probe = DockerRuntime.builder().config(RuntimeConfig.of(Map.of("scope", "probe"))).build()) {
        health = probe.health();
      }
      engine = health;
    }
    return health.healthy();
  }
}
