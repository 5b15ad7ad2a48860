package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared set-up of the tests that run workloads: the local Docker engine behind the fake CLI (skip with a
 * reason when none answers, fail when {@code CI=true}), the test image and a work directory under target/.
 */
final class AppleTestSupport {
  static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");
  private static volatile String engine;

  private AppleTestSupport() {}

  /** Skips the calling test when no Docker engine answers locally; fails it on CI, where one must. */
  static void requireEngine() {
    String problem = engineProblem();
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(problem).as("CI=true needs a Docker engine behind the fake container CLI").isEmpty();
    }
    Assumptions.assumeTrue(problem.isEmpty(), "No Docker engine answers here for the fake container CLI: "
        + problem);
  }

  private static String engineProblem() {
    String known = engine;
    if (known == null) {
      if (!Files.isExecutable(Path.of(FakeContainer.DOCKER))) {
        known = FakeContainer.DOCKER + " is missing";
      } else {
        String out = FakeContainer.exec(List.of(FakeContainer.DOCKER, "info", "--format", "{{.ServerVersion}}"),
            false).strip();
        known = out.matches("[0-9][0-9A-Za-z.+~-]*") ? "" : "`docker info` says: " + out;
      }
      engine = known;
    }
    return known;
  }

  /** A directory under target/ for the tests' workspaces and fakes. */
  static Path workDir(String name) {
    try {
      return Files.createDirectories(Path.of("target", "berth-apple", name).toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
