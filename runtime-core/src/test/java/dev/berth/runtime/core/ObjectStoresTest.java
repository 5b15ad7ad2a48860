package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.testkit.MockObjectStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {
  @TempDir Path tmp;

  @Test
  void filesystemIsTheDefault() {
    Optional<ObjectStore> store = ObjectStores.fromConfig(RuntimeConfig.empty());

    assertThat(store).containsInstanceOf(FileSystemObjectStore.class);
    assertThat(((FileSystemObjectStore) store.orElseThrow()).root()).isEqualTo(ObjectStores.DEFAULT_ROOT);
  }

  @Test
  void aFilesystemStoreUsesStoreRoot() {
    Optional<ObjectStore> store = ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "filesystem",
        "store.root", tmp.toString())));

    assertThat(((FileSystemObjectStore) store.orElseThrow()).root()).isEqualTo(tmp);
  }

  @Test
  void aFilesystemStoreKeepsEachBucketInTheDirectoryItsKeyNames() {
    ObjectStore store = ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.root", tmp.toString(),
        "store.code-bucket", "team-bots", "store.results-bucket", "team-results", "store.logs-bucket", "team-logs")))
        .orElseThrow();

    store.put(ObjectStore.CODE_BUCKET, "a.zip", new byte[] {1}, "application/zip");
    store.put(ObjectStore.RESULTS_BUCKET, "r.json", new byte[] {2}, "application/json");
    store.put(ObjectStore.LOGS_BUCKET, "l.log", new byte[] {3}, "text/plain");

    assertThat(tmp.resolve("team-bots/a.zip")).exists();
    assertThat(tmp.resolve("team-results/r.json")).exists();
    assertThat(tmp.resolve("team-logs/l.log")).exists();
    assertThat(store.list(ObjectStore.RESULTS_BUCKET, "")).singleElement().satisfies(info -> {
      assertThat(info.bucket()).as("the bucket a listing reports").isEqualTo(ObjectStore.RESULTS_BUCKET);
      assertThat(info.key()).isEqualTo("r.json");
    });
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.code-bucket", "Bad_Name"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'store.code-bucket' = 'Bad_Name'");
  }

  @Test
  void keysTheChosenTypeWouldIgnoreAreRejected() {
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "filesystem",
        "store.endpoint", "http://s3:9000", "store.secret-key", "x"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Config keys 'store.endpoint', 'store.secret-key' (S3 connection settings) would be ignored with "
            + "store.type=filesystem: set store.type=minio (with berth-runtime-minio) to connect to S3, or remove "
            + "them")
        .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo("store.endpoint"));
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.region", "eu-west-1"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'store.region'");
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "minio",
        "store.root", tmp.toString())))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'store.root' (the directory of a filesystem store) would be ignored with "
            + "store.type=minio");
    assertThat(ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "none", "store.root", "/x"))))
        .as("store.type=none switches the store off, whatever else is set").isEmpty();
  }

  @Test
  void anEndpointImpliesMinioWhichNeedsItsJar() {
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.endpoint", "http://s3:9000"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'minio' needs berth-runtime-minio on the class path");
  }

  @Test
  void aDeploymentsMinioEndpointVariableImpliesMinioToo() {
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.empty(), Map.of("MINIO_ENDPOINT", "s3:9000")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'minio' needs berth-runtime-minio on the class path");
    assertThat(ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "none")),
        Map.of("MINIO_ENDPOINT", "s3:9000"))).as("an explicit store.type wins").isEmpty();
  }

  @Test
  void otherTypesComeFromTheirProvider() {
    RuntimeConfig config = RuntimeConfig.of(Map.of("store.type", "Recording", "store.endpoint", "http://s3:9000"));

    Optional<ObjectStore> store = ObjectStores.fromConfig(config);

    assertThat(store).containsInstanceOf(MockObjectStore.class);
    assertThat(RecordingObjectStoreProvider.CONFIGS).contains(config);
  }

  @Test
  void noneMeansNoStore() {
    assertThat(ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "none")))).isEmpty();
  }

  @Test
  void unsupportedTypesNameTheKeyAndTheFix() {
    for (String type : new String[] {"minio", "s3"}) {
      assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", type))))
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining("dev.berth:berth-runtime-minio")
          .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo("store.type"));
    }
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "ftp"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'ftp' is unknown; use filesystem, none, recording");
  }
}
