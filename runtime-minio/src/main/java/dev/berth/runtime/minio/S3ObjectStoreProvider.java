package dev.berth.runtime.minio;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.ObjectStoreProvider;

/**
 * Serves {@code store.type=s3}: the same {@link MinioObjectStore}, since the MinIO client speaks to any
 * S3-compatible endpoint (AWS S3, MinIO, Ceph RGW, ...).
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public S3ObjectStoreProvider() {}

  @Override
  public String type() {
    return "s3";
  }

  @Override
  public ObjectStore create(RuntimeConfig config) {
    return MinioObjectStore.fromConfig(config);
  }
}
