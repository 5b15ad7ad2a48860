package dev.berth.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.docker.DockerRuntime;
import dev.berth.runtime.minio.MinioObjectStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Docker bots run code uploaded to an S3 server, mounted from the runtime's bundle cache. */
@Tag("docker")
class DockerStoredCodeTest {
  private S3Server server;
  private MinioObjectStore store;
  private DockerRuntime runtime;

  @BeforeEach
  void start() throws Exception {
    DockerEngine.require();
    server = S3Server.started();
    store = server.store();
    store.put(ObjectStore.CODE_BUCKET, LocalStoredCodeTest.KEY, Bundles.zip(
        "echo \"stored code $(wc -c < data/prices.bin)\"\n", LocalStoredCodeTest.DATA_BYTES), "application/zip");
    runtime = DockerRuntime.builder().scope(DockerEngine.scope("it-stored")).workDir(DockerEngine.workDir())
        .objectStore(store).build();
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      for (BotStatus bot : runtime.list()) {
        runtime.stop(bot.id(), Duration.ofMillis(200));
        runtime.delete(bot.id());
      }
      runtime.close();
    }
    if (store != null) {
      store.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static BotSpec bot(String id) {
    return BotSpec.builder(id).image(DockerEngine.IMAGE).codeBundle(CodeBundle.stored(LocalStoredCodeTest.KEY))
        .command("sh", "run.sh").build();
  }

  @Test
  void twoContainersRunTheStoredCodeWhichIsDownloadedOnce() {
    runtime.create(bot("first"));
    runtime.create(bot("second"));
    runtime.start("first");
    runtime.start("second");

    String expected = "stored code " + LocalStoredCodeTest.DATA_BYTES;
    assertThat(LocalStoredCodeTest.awaitOutput(runtime, "first")).containsExactly(expected);
    assertThat(LocalStoredCodeTest.awaitOutput(runtime, "second")).containsExactly(expected);
    assertThat(server.gets("custom-bots", LocalStoredCodeTest.KEY)).as("GETs of the bundle after two containers")
        .isEqualTo(1);
  }
}
