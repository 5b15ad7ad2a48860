package dev.berth.runtime.minio;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.ObjectStoreProvider;

/**
 * Serves {@code store.type=minio} (the default when {@code store.endpoint} is set) with a
 * {@link MinioObjectStore} built by {@link MinioObjectStore#fromConfig}.
 */
public final class MinioObjectStoreProvider implements ObjectStoreProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public MinioObjectStoreProvider() {}

  @Override
  public String type() {
    return "minio";
  }

  @Override
  public ObjectStore create(RuntimeConfig config) {
    return MinioObjectStore.fromConfig(config);
  }
}
