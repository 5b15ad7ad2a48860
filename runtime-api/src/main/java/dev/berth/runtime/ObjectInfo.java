package dev.berth.runtime;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One object in an {@link ObjectStore} listing, or the answer of {@link ObjectStore#stat}.
 *
 * @param bucket the bucket
 * @param key the key
 * @param size size in bytes
 * @param lastModified when it was last written
 * @param etag a tag of the object's content: it changes whenever the content does, and objects written the
 *     same way with the same bytes share it (S3's ETag, the MD5 of the bytes for an object put in one
 *     request); empty when the store has none, as the file-system store, whose objects are local files
 */
public record ObjectInfo(String bucket, String key, long size, Instant lastModified, Optional<String> etag) {
  public ObjectInfo {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastModified, "lastModified");
    Objects.requireNonNull(etag, "etag");
    etag = etag.filter(tag -> !tag.isBlank());
  }

  /** An object whose store keeps no content tag. */
  public ObjectInfo(String bucket, String key, long size, Instant lastModified) {
    this(bucket, key, size, lastModified, Optional.empty());
  }
}
