package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.NetworkMode;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Berth and Testcontainers on one engine: a bot reaches a service container that Testcontainers started
 * on a network Berth created, and containers Berth does not manage are never listed, stopped or removed.
 */
@Tag("docker")
class TestcontainersInteropTest {
  private static final String SCOPE = DockerTestSupport.uniqueScope("interop");
  private static final DockerImageName BUSYBOX = DockerImageName.parse(DockerTestSupport.IMAGE);

  @BeforeAll
  static void engine() {
    DockerTestSupport.requireEngine();
  }

  @AfterAll
  static void nothingLeft() {
    assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
  }

  @Test
  void aBotReachesATestcontainersServiceOnABerthNetwork() {
    try (DockerRuntime runtime = DockerRuntime.builder().scope(SCOPE).workDir(DockerTestSupport.workDir()).build()) {
      NetworkManager networks = runtime.require(NetworkManager.class);
      String network = networks.create(SCOPE + "-backend", java.util.Map.of()).name();
      try (GenericContainer<?> service = new GenericContainer<>(BUSYBOX)
          .withNetworkMode(network)
          .withCommand("sh", "-c", "mkdir -p /tmp/www && echo hello > /tmp/www/index.html "
              + "&& exec httpd -f -p 8080 -h /tmp/www")) {
        service.start();
        // Its address on the shared network (Docker's random names contain '_', which busybox will not resolve).
        String serviceHost = service.getContainerInfo().getNetworkSettings().getNetworks().get(network).getIpAddress();

        runtime.create(BotSpec.builder("client").image(DockerTestSupport.IMAGE)
            .networkMode(NetworkMode.named(network))
            .command("sh", "-c", "until wget -q -O - \"http://$1:8080/\"; do sleep 0.2; done", "sh", serviceHost)
            .build());
        runtime.start("client");
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.status("client").state() == BotState.STOPPED);
        try (Stream<LogLine> lines = runtime.logs("client")) {
          assertThat(lines.map(LogLine::text)).contains("hello");
        }
      } finally {
        runtime.delete("client");
        networks.remove(network);
      }
    }
  }

  @Test
  void foreignContainersAreNeverListedStoppedOrRemoved() {
    try (GenericContainer<?> foreign = new GenericContainer<>(BUSYBOX).withCommand("sleep", "300")
            .withCreateContainerCmdModifier(cmd -> cmd.withName("berth-" + SCOPE + "-foreign"));
        GenericContainer<?> otherScope = new GenericContainer<>(BUSYBOX).withCommand("sleep", "300")
            .withLabel("berth.managed", "true").withLabel("berth.scope", SCOPE + "-other")
            .withLabel("berth.kind", "bot").withLabel("berth.id", "foreign");
        DockerRuntime runtime = DockerTestSupport.runtime(SCOPE).build()) {
      foreign.start();
      otherScope.start();
      assertThat(runtime.list()).isEmpty();
      runtime.delete("foreign"); // not ours, though its name looks like ours and the other scope's id matches
      assertThat(runtime.list(dev.berth.runtime.BotFilter.builder().label("berth.id", "foreign").build())).isEmpty();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.stop("foreign"))
          .isInstanceOf(dev.berth.runtime.BotNotFoundException.class);
      // A bot whose container name is taken by a foreign container gets a suffixed name, and touches nothing.
      BotStatus renamed = runtime.create(BotSpec.builder("foreign").image(DockerTestSupport.IMAGE).command("true")
          .build());
      assertThat(DockerTestSupport.containerName(renamed.runtimeId()))
          .isEqualTo("/berth-" + SCOPE + "-foreign-" + DockerEndpoint.sha256(SCOPE + "/foreign").substring(0, 8));
      runtime.delete("foreign");
      BotStatus own = runtime.create(BotSpec.builder("own").image(DockerTestSupport.IMAGE).command("true").build());
      runtime.delete(own.id());
      assertThat(foreign.isRunning()).isTrue();
      assertThat(otherScope.isRunning()).isTrue();
    }
  }
}
