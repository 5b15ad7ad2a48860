package dev.berth.runtime.minio;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link MinioObjectStore}. Every setter is optional: a setting left unset comes from the
 * {@link RuntimeConfig} given to {@link #config} ({@code store.*} keys), then from the environment variables
 * existing MinIO deployments use, then from the default.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setter</th><th>config key</th><th>environment</th><th>default</th></tr>
 *   <tr><td>endpoint</td><td>store.endpoint</td><td>MINIO_ENDPOINT</td><td>(required)</td></tr>
 *   <tr><td>credentials</td><td>store.access-key, store.secret-key</td><td>MINIO_ACCESS_KEY,
 *       MINIO_SECRET_KEY</td><td>(required)</td></tr>
 *   <tr><td>secure</td><td>store.secure</td><td>MINIO_SSL</td><td>the endpoint's scheme, else false</td></tr>
 *   <tr><td>region</td><td>store.region</td><td></td><td>us-east-1</td></tr>
 *   <tr><td>codeBucket</td><td>store.code-bucket</td><td>MINIO_CODE_BUCKET, then MINIO_BUCKET</td>
 *       <td>custom-bots</td></tr>
 *   <tr><td>resultsBucket</td><td>store.results-bucket</td><td>MINIO_BACKTESTS_BUCKET</td>
 *       <td>test-results</td></tr>
 *   <tr><td>logsBucket</td><td>store.logs-bucket</td><td>MINIO_LOGS_BUCKET</td><td>bot-logs</td></tr>
 *   <tr><td>createBuckets</td><td>store.create-buckets</td><td></td><td>true</td></tr>
 * </table>
 *
 * <pre>{@code
 * MinioObjectStore store = MinioObjectStore.builder()
 *     .endpoint("http://minio:9000")
 *     .credentials("berth", secret)
 *     .codeBucket("team-a-bots")
 *     .build();
 * }</pre>
 */
public final class MinioObjectStoreBuilder {
  private RuntimeConfig config = RuntimeConfig.empty();
  private Map<String, String> environment = System.getenv();
  private final Map<String, String> explicit = new LinkedHashMap<>();
  private long partSize = MinioSettings.DEFAULT_PART_SIZE;
  private RetryPolicy retry = RetryPolicy.DEFAULT;
  private Duration connectTimeout = Duration.ofSeconds(10);
  private Duration ioTimeout = Duration.ofMinutes(5);

  MinioObjectStoreBuilder() {}

  /** Base settings from {@code store.*} keys; the other setters override them. */
  public MinioObjectStoreBuilder config(RuntimeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /** {@code http://minio:9000}, {@code https://s3.eu-west-1.amazonaws.com}, or {@code minio:9000}. */
  public MinioObjectStoreBuilder endpoint(String endpoint) {
    return set("store.endpoint", endpoint);
  }

  /** The access key (user) and secret key; both are required, anonymous access is not supported. */
  public MinioObjectStoreBuilder credentials(String accessKey, String secretKey) {
    set("store.access-key", accessKey);
    return set("store.secret-key", secretKey);
  }

  /** HTTPS when true; needed only when the endpoint has no scheme. */
  public MinioObjectStoreBuilder secure(boolean secure) {
    return set("store.secure", String.valueOf(secure));
  }

  /** The region requests are signed for ({@code us-east-1} unless set; MinIO accepts any). */
  public MinioObjectStoreBuilder region(String region) {
    return set("store.region", region);
  }

  /** The bucket that holds {@link ObjectStore#CODE_BUCKET}'s objects. */
  public MinioObjectStoreBuilder codeBucket(String bucket) {
    return set("store.code-bucket", bucket);
  }

  /** The bucket that holds {@link ObjectStore#RESULTS_BUCKET}'s objects. */
  public MinioObjectStoreBuilder resultsBucket(String bucket) {
    return set("store.results-bucket", bucket);
  }

  /** The bucket that holds {@link ObjectStore#LOGS_BUCKET}'s objects. */
  public MinioObjectStoreBuilder logsBucket(String bucket) {
    return set("store.logs-bucket", bucket);
  }

  /** Create a missing bucket on the first write to it (the default), or fail saying it is missing. */
  public MinioObjectStoreBuilder createBuckets(boolean createBuckets) {
    return set("store.create-buckets", String.valueOf(createBuckets));
  }

  /**
   * Objects up to this size are stored with one request; larger ones, and streams of unknown length that
   * turn out larger, in parts of this size. Each upload holds one part in memory. 8 MiB unless set; 5 MiB
   * to 512 MiB.
   */
  public MinioObjectStoreBuilder partSize(long bytes) {
    this.partSize = bytes;
    return this;
  }

  /**
   * Tries per request, in all, for transient failures (connection refused, reset or timed out; HTTP 5xx,
   * 408, 429), with exponential backoff from {@code initialBackoff} up to 5 s. 4 tries from 200 ms unless
   * set; 1 turns retries off.
   */
  public MinioObjectStoreBuilder retries(int maxAttempts, Duration initialBackoff) {
    Duration ceiling = initialBackoff == null ? null
        : initialBackoff.compareTo(Duration.ofSeconds(5)) > 0 ? initialBackoff : Duration.ofSeconds(5);
    this.retry = new RetryPolicy(maxAttempts, initialBackoff, ceiling);
    return this;
  }

  /** How long to wait for a connection (10 s unless set) and for each read or write on it (5 min). */
  public MinioObjectStoreBuilder timeouts(Duration connect, Duration io) {
    this.connectTimeout = connect;
    this.ioTimeout = io;
    return this;
  }

  /** The environment variables to read instead of the process's. */
  MinioObjectStoreBuilder environment(Map<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  /**
   * The store. Does not contact the server: a store that is down at start fails its calls (and
   * {@link MinioObjectStore#health()}) until it comes back.
   *
   * @throws InvalidConfigException naming the key (and environment variable) of a missing or malformed setting
   */
  public MinioObjectStore build() {
    return new MinioObjectStore(settings());
  }

  MinioSettings settings() {
    Boolean secure = lookup("store.secure", "MINIO_SSL").map(v -> bool(v, "store.secure", "MINIO_SSL"))
        .orElse(null);
    Map<String, String> buckets = Map.of(
        ObjectStore.CODE_BUCKET, bucket("store.code-bucket", "MINIO_CODE_BUCKET", "MINIO_BUCKET",
            ObjectStore.CODE_BUCKET),
        ObjectStore.RESULTS_BUCKET, bucket("store.results-bucket", "MINIO_BACKTESTS_BUCKET", null,
            ObjectStore.RESULTS_BUCKET),
        ObjectStore.LOGS_BUCKET, bucket("store.logs-bucket", "MINIO_LOGS_BUCKET", null, ObjectStore.LOGS_BUCKET));
    return new MinioSettings(
        MinioSettings.endpoint(lookup("store.endpoint", "MINIO_ENDPOINT").orElse(null), secure),
        lookup("store.access-key", "MINIO_ACCESS_KEY").orElse(null),
        lookup("store.secret-key", "MINIO_SECRET_KEY").orElse(null),
        lookup("store.region", null).orElse(MinioSettings.DEFAULT_REGION),
        buckets,
        lookup("store.create-buckets", null).map(v -> bool(v, "store.create-buckets", null)).orElse(true),
        partSize, retry, connectTimeout, ioTimeout);
  }

  private String bucket(String key, String variable, String fallbackVariable, String defaultName) {
    Optional<String> fromKeyOrVariable = lookup(key, variable);
    String source = variable;
    Optional<String> name = fromKeyOrVariable;
    if (name.isEmpty() && fallbackVariable != null) {
      name = env(fallbackVariable);
      source = fallbackVariable;
    }
    return MinioSettings.bucketName(name.orElse(defaultName).trim(), key, source);
  }

  /** The explicit setting, else the config key, else the environment variable; blank counts as unset. */
  private Optional<String> lookup(String key, String variable) {
    Optional<String> value = Optional.ofNullable(explicit.get(key))
        .or(() -> config.get(key)).filter(v -> !v.isBlank());
    return value.isPresent() || variable == null ? value : env(variable);
  }

  private Optional<String> env(String variable) {
    return Optional.ofNullable(environment.get(variable)).filter(v -> !v.isBlank());
  }

  private static boolean bool(String text, String key, String variable) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "on": case "1":
        return true;
      case "false": case "no": case "off": case "0":
        return false;
      default:
        throw new InvalidConfigException(key, key + (variable == null ? "" : "/" + variable) + " = '" + text
            + "' is not true or false; fix the value or remove it");
    }
  }

  private MinioObjectStoreBuilder set(String key, String value) {
    explicit.put(key, Objects.requireNonNull(value, key));
    return this;
  }
}
