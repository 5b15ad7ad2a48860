package dev.berth.runtime.minio;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.Health;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.RuntimeOperationException;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.MediaType;

/**
 * An {@link ObjectStore} on S3 or MinIO, through the MinIO Java client.
 *
 * <pre>{@code
 * try (MinioObjectStore store = MinioObjectStore.fromConfig(RuntimeConfig.fromEnvironment())) {  // MINIO_ENDPOINT...
 *   store.put(ObjectStore.CODE_BUCKET, "momentum/v7.zip", Files.newInputStream(zip), Files.size(zip),
 *       "application/zip");
 * }
 * }</pre>
 *
 * <p><b>Buckets.</b> The API's logical buckets {@link ObjectStore#CODE_BUCKET}, {@link ObjectStore#RESULTS_BUCKET}
 * and {@link ObjectStore#LOGS_BUCKET} name the configured physical buckets (by default the same names); any
 * other bucket name is used as given. A missing bucket is created on the first write unless
 * {@code store.create-buckets=false}; reading from a missing bucket finds nothing.
 *
 * <p><b>Streaming.</b> {@code put} holds at most one part (8 MiB unless set) of the data in memory: objects up
 * to a part go up in one request, larger ones as a multipart upload, whether or not the length is known.
 * {@code get} streams the response and resumes a broken download where it stopped.
 *
 * <p><b>Failures.</b> Each request is retried with exponential backoff when the connection is refused, reset
 * or times out, or the server answers 5xx, 408 or 429; never on other 4xx answers. Errors are Berth
 * exceptions naming the bucket, key and endpoint: {@link dev.berth.runtime.RuntimeUnavailableException} when
 * the server cannot be reached, {@link RuntimeOperationException} otherwise (wrong credentials included), and
 * {@link InvalidSpecException} for invalid keys.
 */
public final class MinioObjectStore implements ObjectStore, AutoCloseable {
  private static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

  private final MinioSettings settings;
  private final MinioConnection connection;
  private final MinioAsyncClient client;
  private final Retrier retrier;
  private final Buckets buckets;
  private final ObjectUploader uploader;
  private final AtomicBoolean closed = new AtomicBoolean();

  MinioObjectStore(MinioSettings settings) {
    this.settings = settings;
    this.connection = new MinioConnection(settings);
    this.client = connection.client();
    this.retrier = new Retrier(settings.retry(), new S3Errors(settings.endpoint(), settings.accessKey()));
    this.buckets = new Buckets(client, retrier, settings.endpoint(), settings.createBuckets());
    this.uploader = new ObjectUploader(client, retrier, settings.partSize(),
        settings.endpoint().getScheme().equals("https"));
  }

  /** A builder; settings left unset come from {@code store.*} keys and {@code MINIO_*} variables. */
  public static MinioObjectStoreBuilder builder() {
    return new MinioObjectStoreBuilder();
  }

  /**
   * The store the {@code store.*} keys describe, with the {@code MINIO_*} environment variables of existing
   * deployments filling in absent keys (see {@link MinioObjectStoreBuilder}).
   *
   * @throws dev.berth.runtime.InvalidConfigException naming the key of a missing or malformed setting
   */
  public static MinioObjectStore fromConfig(RuntimeConfig config) {
    return builder().config(config).build();
  }

  @Override
  public Optional<InputStream> get(String bucket, String key) {
    S3Call call = call("Reading", bucket, key);
    return ObjectDownload.open(client, retrier, settings.retry(), call);
  }

  /**
   * Reads a whole object, or empty when it does not exist; a download that breaks for good fails as a
   * {@link RuntimeOperationException}.
   */
  @Override
  public Optional<byte[]> getBytes(String bucket, String key) {
    Optional<InputStream> in = get(bucket, key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(stream.readAllBytes());
    } catch (IOException e) {
      throw new RuntimeOperationException(e.getMessage(), e);
    }
  }

  @Override
  public void put(String bucket, String key, InputStream data, long length, String contentType) {
    put(bucket, key, data, length, contentType, Map.of());
  }

  /**
   * Stores an object with user metadata ({@code x-amz-meta-*}). Names are case-insensitive and come back
   * in lower case from {@link #metadata}.
   *
   * @param length the byte count, or -1 when unknown
   * @param metadata names of letters, digits and {@code -}; printable ASCII values
   */
  public void put(String bucket, String key, InputStream data, long length, String contentType,
      Map<String, String> metadata) {
    S3Call call = call("Storing", bucket, key);
    Objects.requireNonNull(data, "data");
    if (length < -1) {
      throw ObjectNames.invalid("length", length + " is negative; give the byte count or -1 when unknown");
    }
    Map<String, String> normalised = ObjectNames.metadata(Objects.requireNonNull(metadata, "metadata"));
    String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
    if (MediaType.parse(type) == null) {
      throw ObjectNames.invalid("contentType", "'" + type + "' is not a media type such as application/json");
    }
    buckets.ensure(call.bucket());
    try {
      uploader.put(call.bucket(), call.key(), data, length, type, normalised);
    } catch (RuntimeOperationException e) {
      if (S3Errors.code(e.getCause()).filter("NoSuchBucket"::equals).isPresent()) {
        buckets.forget(call.bucket());
      }
      throw e;
    }
  }

  /** The object's user metadata with lower-case names, or empty when the object does not exist. */
  public Optional<Map<String, String>> metadata(String bucket, String key) {
    S3Call call = call("Reading metadata of", bucket, key);
    return retrier.find(call, () -> Async.await(client.statObject(StatObjectArgs.builder().bucket(call.bucket())
        .object(call.key()).build()))).map(stat -> {
          Map<String, String> metadata = new TreeMap<>();
          Http.Headers headers = stat.userMetadata();
          for (Map.Entry<String, String> entry : headers.entrySet()) {
            String name = entry.getKey().toLowerCase(java.util.Locale.ROOT);
            metadata.put(name.startsWith("x-amz-meta-") ? name.substring("x-amz-meta-".length()) : name,
                entry.getValue());
          }
          return Map.copyOf(metadata);
        });
  }

  /** Size, time and ETag from one HEAD request; empty when the object or its bucket does not exist. */
  @Override
  public Optional<ObjectInfo> stat(String bucket, String key) {
    S3Call call = call("Reading metadata of", bucket, key);
    return retrier.find(call, () -> Async.await(client.statObject(StatObjectArgs.builder().bucket(call.bucket())
        .object(call.key()).build()))).map(stat -> new ObjectInfo(bucket, key, stat.size(),
            stat.lastModified() == null ? Instant.EPOCH : stat.lastModified().toInstant(), etag(stat.etag())));
  }

  @Override
  public boolean exists(String bucket, String key) {
    S3Call call = call("Checking", bucket, key);
    return retrier.find(call, () -> Async.await(client.statObject(StatObjectArgs.builder().bucket(call.bucket())
        .object(call.key()).build()))).isPresent();
  }

  @Override
  public List<ObjectInfo> list(String bucket, String prefix) {
    checkOpen();
    ObjectNames.bucket(bucket);
    ObjectNames.prefix(prefix);
    S3Call call = new S3Call("Listing", physicalBucket(bucket), prefix);
    List<ObjectInfo> found = retrier.find(call, () -> {
      List<ObjectInfo> objects = new ArrayList<>();
      ListObjectsArgs args = ListObjectsArgs.builder().bucket(call.bucket()).prefix(prefix).recursive(true).build();
      for (Result<Item> result : client.listObjects(args)) {
        Item item = result.get();
        if (!item.isDir()) {
          Instant modified = item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant();
          objects.add(new ObjectInfo(bucket, item.objectName(), item.size(), modified, etag(item.etag())));
        }
      }
      return objects;
    }).orElse(List.of());
    List<ObjectInfo> sorted = new ArrayList<>(found);
    sorted.sort(Comparator.comparing(ObjectInfo::key));
    return List.copyOf(sorted);
  }

  @Override
  public void delete(String bucket, String key) {
    S3Call call = call("Deleting", bucket, key);
    retrier.find(call, () -> {
      Async.await(client.removeObject(RemoveObjectArgs.builder().bucket(call.bucket()).object(call.key()).build()));
      return Boolean.TRUE;
    });
  }

  /** A URL for an HTTP GET of the object without credentials; at most 7 days, S3's limit. */
  @Override
  public URI presignedGet(String bucket, String key, Duration expiry) {
    return presign(call("Signing a download URL for", bucket, key), Http.Method.GET, expiry);
  }

  /** A URL for an HTTP PUT of the object without credentials; at most 7 days. Creates the bucket if needed. */
  @Override
  public URI presignedPut(String bucket, String key, Duration expiry) {
    S3Call call = call("Signing an upload URL for", bucket, key);
    checkExpiry(expiry);
    buckets.ensure(call.bucket());
    return presign(call, Http.Method.PUT, expiry);
  }

  /**
   * Whether the store can serve calls now: the server answers, the credentials are accepted, and each
   * bucket exists (or will be created on the first write). The message says what is wrong and how to fix it.
   */
  public Health health() {
    if (closed.get()) {
      return Health.unhealthy(this + " is closed");
    }
    TreeSet<String> missing = new TreeSet<>();
    try {
      for (String bucket : new TreeSet<>(settings.buckets().values())) {
        if (!buckets.exists(bucket)) {
          missing.add(bucket);
        }
      }
    } catch (BerthException e) {
      return Health.unhealthy(e.getMessage());
    }
    String version = "S3 at " + settings.endpoint();
    if (missing.isEmpty()) {
      return Health.healthy(version);
    }
    if (!buckets.createsMissing()) {
      return new Health(false, version, "Bucket" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
          + " do" + (missing.size() > 1 ? "" : "es") + " not exist at " + settings.endpoint() + "; create "
          + (missing.size() > 1 ? "them" : "it") + ", or set store.create-buckets=true");
    }
    return new Health(true, version, "ok; bucket" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
        + " will be created on the first write");
  }

  /** Stops the HTTP client's threads and drops its connections; calls after this fail. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      connection.close();
    }
  }

  /** Endpoint, access key and buckets; never the secret key. */
  @Override
  public String toString() {
    return "MinioObjectStore[" + settings.endpoint() + ", access key " + settings.accessKey() + ", buckets "
        + new TreeMap<>(settings.buckets()) + "]";
  }

  private URI presign(S3Call call, Http.Method method, Duration expiry) {
    checkExpiry(expiry);
    String url = retrier.call(call, () -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
        .method(method).bucket(call.bucket()).object(call.key()).expiry((int) expiry.toSeconds(), TimeUnit.SECONDS)
        .build()));
    return URI.create(url);
  }

  /** S3 quotes ETags in headers and listings; the tag is what is inside. */
  private static Optional<String> etag(String header) {
    return Optional.ofNullable(header).map(tag -> tag.replace("\"", "").trim()).filter(tag -> !tag.isEmpty());
  }

  private static void checkExpiry(Duration expiry) {
    if (expiry == null || expiry.toSeconds() < 1 || expiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
      throw new InvalidSpecException("presigned URL", List.of("expiry: " + expiry + " is not between 1 second "
          + "and 7 days (S3's limit); give a duration such as Duration.ofMinutes(15)"));
    }
  }

  /** Validates the names and maps the logical bucket to the physical one. */
  private S3Call call(String action, String bucket, String key) {
    checkOpen();
    ObjectNames.bucket(bucket);
    ObjectNames.key(key);
    return new S3Call(action, physicalBucket(bucket), key);
  }

  private String physicalBucket(String bucket) {
    String physical = settings.physicalBucket(bucket);
    ObjectNames.physicalBucket(physical);
    return physical;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new RuntimeOperationException(this + " is closed; build a new store");
    }
  }
}
