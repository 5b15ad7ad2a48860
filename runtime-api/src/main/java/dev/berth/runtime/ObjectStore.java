package dev.berth.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Buckets of objects: code bundles, backtest results, shipped logs. Implementations: a directory on disk
 * ({@code FileSystemObjectStore}, the embedded default) and S3/MinIO ({@code MinioObjectStore}).
 *
 * <pre>{@code
 * store.put(ObjectStore.CODE_BUCKET, "momentum/v7.zip", Files.newInputStream(zip), Files.size(zip), "application/zip");
 * Optional<byte[]> result = store.getBytes(ObjectStore.RESULTS_BUCKET, "bt-1/result.json");
 * }</pre>
 *
 * Keys are {@code /}-separated relative paths without {@code .} or {@code ..} segments.
 */
public interface ObjectStore {
  /** Bucket of code bundles. */
  String CODE_BUCKET = "custom-bots";
  /** Bucket of backtest results: {@code <id>/result.json}. */
  String RESULTS_BUCKET = "test-results";
  /** Bucket of shipped bot logs. */
  String LOGS_BUCKET = "bot-logs";

  /** Opens the object for reading, or empty when it does not exist. The caller closes the stream. */
  Optional<InputStream> get(String bucket, String key);

  /**
   * Stores an object, replacing any previous one atomically: readers see the old or the new, never a part.
   *
   * @param length the byte count, or -1 when unknown
   * @param contentType e.g. {@code application/json}
   */
  void put(String bucket, String key, InputStream data, long length, String contentType);

  boolean exists(String bucket, String key);

  /** Objects whose key starts with {@code prefix}, sorted by key. */
  List<ObjectInfo> list(String bucket, String prefix);

  /**
   * The object's size, time and content tag, or empty when it does not exist. Cheaper than a {@code get}: a
   * caller holding a copy can tell from {@link ObjectInfo#etag()} whether it is still the stored content.
   * The default looks the key up in {@link #list}; stores override it with one metadata request.
   */
  default Optional<ObjectInfo> stat(String bucket, String key) {
    return list(bucket, key).stream().filter(info -> info.key().equals(key)).findFirst();
  }

  /** Deletes the object; a no-op when it does not exist. */
  void delete(String bucket, String key);

  /** A URL that lets its holder download the object until it expires. */
  URI presignedGet(String bucket, String key, Duration expiry);

  /** A URL that lets its holder upload the object (HTTP PUT, or a file write for {@code file:}). */
  URI presignedPut(String bucket, String key, Duration expiry);

  /** Stores bytes. */
  default void put(String bucket, String key, byte[] data, String contentType) {
    put(bucket, key, new ByteArrayInputStream(data), data.length, contentType);
  }

  /** Reads a whole object, or empty when it does not exist. */
  default Optional<byte[]> getBytes(String bucket, String key) {
    Optional<InputStream> in = get(bucket, key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(stream.readAllBytes());
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading " + bucket + "/" + key + " from the object store failed: "
          + e.getMessage() + ". Check the store is reachable and retry.", e);
    }
  }
}
