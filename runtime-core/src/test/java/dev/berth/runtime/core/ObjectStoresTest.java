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
