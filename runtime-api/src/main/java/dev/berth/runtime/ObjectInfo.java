package dev.berth.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * One object in an {@link ObjectStore} listing.
 *
 * @param bucket the bucket
 * @param key the key
 * @param size size in bytes
 * @param lastModified when it was last written
 */
public record ObjectInfo(String bucket, String key, long size, Instant lastModified) {
  public ObjectInfo {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastModified, "lastModified");
  }
}
