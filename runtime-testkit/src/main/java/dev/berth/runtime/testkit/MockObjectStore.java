package dev.berth.runtime.testkit;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;

/**
 * An in-memory {@link ObjectStore} that validates keys like the real stores and passes
 * {@link ObjectStoreConformanceKit}. Objects are replaced atomically; presigned URLs are {@code mock:} URIs
 * ({@code mock://test-results/bt-1/result.json?method=GET&expires=...}) that {@link #resolve} reads back.
 *
 * <pre>{@code
 * MockObjectStore store = new MockObjectStore();
 * store.put(ObjectStore.RESULTS_BUCKET, "bt-1/result.json", "{}".getBytes(UTF_8), "application/json");
 * assertThat(store.keys(ObjectStore.RESULTS_BUCKET)).containsExactly("bt-1/result.json");
 * }</pre>
 */
public final class MockObjectStore implements ObjectStore {
  private record Stored(byte[] data, String contentType, Instant lastModified, String etag) {
    ObjectInfo info(String bucket, String key) {
      return new ObjectInfo(bucket, key, data.length, lastModified, Optional.of(etag));
    }
  }

  private final Clock clock;
  private final Map<String, NavigableMap<String, Stored>> buckets = new ConcurrentHashMap<>();

  /** An empty store stamping objects with the system clock. */
  public MockObjectStore() {
    this(Clock.systemUTC());
  }

  /** A store that stamps {@link ObjectInfo#lastModified()} with {@code clock}. */
  public MockObjectStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Optional<InputStream> get(String bucket, String key) {
    return stored(bucket, key).map(s -> new ByteArrayInputStream(s.data()));
  }

  @Override
  public void put(String bucket, String key, InputStream data, long length, String contentType) {
    check(bucket, key);
    Objects.requireNonNull(data, "data");
    byte[] bytes;
    try {
      bytes = data.readAllBytes();
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading the data for " + bucket + "/" + key + " failed: "
          + e.getMessage(), e);
    }
    if (length >= 0 && bytes.length != length) {
      throw new RuntimeOperationException("Upload of " + bucket + "/" + key + " declared " + length
          + " bytes but the stream had " + bytes.length + "; pass the right length or -1 when unknown");
    }
    objects(bucket).put(key, new Stored(bytes, Objects.requireNonNullElse(contentType, "application/octet-stream"),
        clock.instant(), md5(bytes)));
  }

  @Override
  public boolean exists(String bucket, String key) {
    return stored(bucket, key).isPresent();
  }

  @Override
  public List<ObjectInfo> list(String bucket, String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    checkBucket(bucket);
    return objects(bucket).tailMap(prefix, true).entrySet().stream()
        .takeWhile(e -> e.getKey().startsWith(prefix))
        .map(e -> e.getValue().info(bucket, e.getKey()))
        .collect(Collectors.toList());
  }

  /** Size, time and an ETag as S3 gives for a single-request upload: the hex MD5 of the bytes. */
  @Override
  public Optional<ObjectInfo> stat(String bucket, String key) {
    return stored(bucket, key).map(stored -> stored.info(bucket, key));
  }

  @Override
  public void delete(String bucket, String key) {
    check(bucket, key);
    objects(bucket).remove(key);
  }

  @Override
  public URI presignedGet(String bucket, String key, Duration expiry) {
    return presigned("GET", bucket, key, expiry);
  }

  @Override
  public URI presignedPut(String bucket, String key, Duration expiry) {
    return presigned("PUT", bucket, key, expiry);
  }

  /** The object a {@code mock:} GET URL from {@link #presignedGet} points to, if it still exists. */
  public Optional<byte[]> resolve(URI presigned) {
    if (!"mock".equals(presigned.getScheme())) {
      throw new IllegalArgumentException(presigned + " is not a mock: URL of this store");
    }
    return getBytes(presigned.getHost(), presigned.getPath().substring(1));
  }

  /** The keys of a bucket, sorted. */
  public List<String> keys(String bucket) {
    return new ArrayList<>(objects(bucket).keySet());
  }

  /** The content type an object was stored with. */
  public Optional<String> contentType(String bucket, String key) {
    return stored(bucket, key).map(Stored::contentType);
  }

  private URI presigned(String method, String bucket, String key, Duration expiry) {
    check(bucket, key);
    Instant expires = clock.instant().plus(Objects.requireNonNull(expiry, "expiry"));
    try {
      return new URI("mock", bucket, "/" + key, "method=" + method + "&expires=" + expires.getEpochSecond(), null);
    } catch (URISyntaxException e) {
      throw new InvalidSpecException("object key", List.of("key: '" + key + "' cannot be put in a URL: "
          + e.getMessage()));
    }
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new RuntimeOperationException("MD5 is missing from this Java platform", e);
    }
  }

  private Optional<Stored> stored(String bucket, String key) {
    check(bucket, key);
    return Optional.ofNullable(objects(bucket).get(key));
  }

  private NavigableMap<String, Stored> objects(String bucket) {
    return buckets.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>());
  }

  private static void checkBucket(String bucket) {
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new InvalidSpecException("object store bucket", List.of("bucket: '" + bucket + "' is not a valid "
          + "bucket name; use 3-63 lower-case letters, digits, '.' and '-'"));
    }
  }

  /** Keys are '/'-separated relative paths without empty, '.' or '..' segments. */
  static void check(String bucket, String key) {
    checkBucket(bucket);
    List<String> problems = new ArrayList<>();
    if (key == null || key.isEmpty()) {
      problems.add("key: is empty; give a relative path such as 'bt-1/result.json'");
    } else {
      if (key.startsWith("/") || key.startsWith("\\")) {
        problems.add("key: '" + key + "' is absolute; drop the leading '/'");
      }
      for (String segment : key.split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          problems.add("key: '" + key + "' contains a '" + segment + "' segment; remove it");
          break;
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException("object key", problems);
    }
  }
}
