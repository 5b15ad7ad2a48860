package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.Health;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.Runtimes;
import dev.berth.runtime.RuntimeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No engine at the address: every call says so, with the fix, and never leaks a docker-java type. */
class UnreachableEngineTest {
  private static final String NOWHERE = "unix:///nonexistent.sock";
  private static final String MESSAGE = "Docker is not reachable at " + NOWHERE
      + " (connection refused: no socket at that path). Start dockerd or set DOCKER_HOST";

  @Test
  void healthSaysWhyAndHowToFixIt() {
    try (Runtime runtime = DockerRuntime.builder().host(NOWHERE).workDir(DockerTestSupport.workDir()).build()) {
      Health health = runtime.health();
      assertThat(health.healthy()).isFalse();
      assertThat(health.message()).startsWith(MESSAGE);
    }
  }

  @Test
  void operationsThrowRuntimeUnavailable() {
    try (Runtime runtime = DockerRuntime.builder().host(NOWHERE).workDir(DockerTestSupport.workDir()).build()) {
      assertThatThrownBy(() -> runtime.status("any")).isExactlyInstanceOf(RuntimeUnavailableException.class)
          .hasMessageStartingWith(MESSAGE);
      assertThatThrownBy(() -> runtime.create(BotSpec.builder("b").image("x").command("true").build()))
          .isExactlyInstanceOf(RuntimeUnavailableException.class).hasMessageStartingWith(MESSAGE);
    }
  }

  @Test
  void discoveryReportsTheProbeFailure() {
    RuntimeConfig config = RuntimeConfig.of(Map.of("docker.host", NOWHERE));
    assertThat(Runtimes.probe(config).get("docker").passed()).isFalse();
    assertThatThrownBy(() -> Runtimes.create("docker", config)).isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining(MESSAGE);
  }

  @Test
  void aMissingSocketFailsBeforeTheHttpClientCouldRetryAndLogAtInfo() {
    RuntimeConfig config = RuntimeConfig.of(Map.of("docker.host", NOWHERE));
    try (DockerConnection connection = DockerConnection.open(DockerSettings.from(config), Map.of())) {
      assertThatThrownBy(() -> connection.client().pingCmd().exec())
          .hasRootCauseInstanceOf(java.nio.file.NoSuchFileException.class)
          .hasRootCauseMessage("/nonexistent.sock: no Docker socket");
    }
    assertThat(MissingSocketGuard.socketPath("unix:///var/run/docker.sock")).contains(java.nio.file.Path.of(
        "/var/run/docker.sock"));
    assertThat(MissingSocketGuard.socketPath("tcp://127.0.0.1:2375")).isEmpty();
  }
}
