package dev.berth.runtime.minio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.Health;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.docker.DockerRuntime;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers on the local Docker engine, their logs shipped to a filesystem store; an outage fails every
 * store call. Skips without an engine, except on CI ({@code CI=true}), where one must answer.
 */
@Tag("docker")
class DockerBotsShippedToFilesTest extends ShippingEndToEnd {
  private static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");

  @TempDir Path workDir;

  @Override
  protected Runtime openRuntime() {
    DockerRuntime docker = DockerRuntime.builder().scope(scope).workDir(workDir).noObjectStore().build();
    Health health = docker.health();
    if (!health.healthy()) {
      docker.close();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        assertThat(health.healthy()).as("CI=true needs a Docker engine: %s", health.message()).isTrue();
      }
      Assumptions.abort("No Docker engine answers here: " + health.message());
    }
    return docker;
  }

  @Override
  protected BotSpec.Builder bot(String id, List<String> argv) {
    return BotSpec.builder(id).image(IMAGE).command(argv);
  }

  @Override
  protected ObjectStore openStore() {
    return new FileSystemObjectStore(workDir.resolve("store"));
  }
}
