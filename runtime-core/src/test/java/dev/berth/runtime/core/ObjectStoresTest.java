package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
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
  void noneMeansNoStore() {
    assertThat(ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "none")))).isEmpty();
  }

  @Test
  void unsupportedTypesNameTheKeyAndTheFix() {
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "minio"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("berth-runtime-minio")
        .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo("store.type"));
    assertThatThrownBy(() -> ObjectStores.fromConfig(RuntimeConfig.of(Map.of("store.type", "ftp"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'ftp' is unknown");
  }
}
