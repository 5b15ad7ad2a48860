package dev.berth.runtime.minio;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.internal.ObjectKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link MinioObjectStore} needs, validated: errors name the config key (and the environment
 * variable that can set it) and the expected form.
 *
 * @param endpoint scheme, host and port only, e.g. {@code http://minio:9000}
 * @param buckets logical bucket ({@link ObjectStore#CODE_BUCKET} etc.) to physical bucket
 */
record MinioSettings(URI endpoint, String accessKey, String secretKey, String region, Map<String, String> buckets,
    boolean createBuckets, long partSize, RetryPolicy retry, Duration connectTimeout, Duration ioTimeout) {
  static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  static final long MAX_PART_SIZE = 512L * 1024 * 1024;
  static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
  static final String DEFAULT_REGION = "us-east-1";

  MinioSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    requireText(accessKey, "store.access-key", "MINIO_ACCESS_KEY", "the access key (user name) of the store");
    requireText(secretKey, "store.secret-key", "MINIO_SECRET_KEY", "the secret key of the store");
    requireText(region, "store.region", null, "a region such as us-east-1");
    buckets = Map.copyOf(buckets);
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new InvalidConfigException("partSize", "MinioObjectStore.builder().partSize(" + partSize + ") is "
          + "outside " + MIN_PART_SIZE + ".." + MAX_PART_SIZE + " bytes; S3 needs parts of at least 5 MiB");
    }
    Objects.requireNonNull(retry, "retry");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(ioTimeout, "ioTimeout");
  }

  /** The physical bucket for a logical one; names other than the three logical buckets are used as given. */
  String physicalBucket(String logical) {
    return buckets.getOrDefault(logical, logical);
  }

  /**
   * Parses {@code http://host:port}, {@code https://host}, or {@code host:port} (whose scheme {@code secure}
   * decides, as the MinIO clients of existing deployments do).
   *
   * @param secure {@code store.secure}/{@code MINIO_SSL} when set; must agree with a scheme in the endpoint
   */
  static URI endpoint(String text, Boolean secure) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty()) {
      throw new InvalidConfigException("store.endpoint", "No S3 endpoint is configured: set store.endpoint "
          + "(BERTH_STORE_ENDPOINT) or MINIO_ENDPOINT, e.g. http://minio:9000 or minio:9000");
    }
    boolean hasScheme = trimmed.contains("://");
    String withScheme = hasScheme ? trimmed : (Boolean.TRUE.equals(secure) ? "https://" : "http://") + trimmed;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw badEndpoint(trimmed, "it does not parse (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw badEndpoint(trimmed, "the scheme is '" + scheme + "', not http or https");
    }
    if (uri.getHost() == null) {
      throw badEndpoint(trimmed, "it has no host name");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
        || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
      throw badEndpoint(trimmed, "an endpoint is only scheme, host and port; put bucket names in "
          + "store.*-bucket and credentials in store.access-key/store.secret-key");
    }
    if (hasScheme && secure != null && secure != scheme.equals("https")) {
      throw new InvalidConfigException("store.secure", "store.secure/MINIO_SSL says " + secure
          + " but the endpoint '" + trimmed + "' uses " + scheme + "; drop one of them or make them agree");
    }
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return URI.create(scheme + "://" + uri.getRawAuthority().replaceFirst(":\\d+$", "") + port);
  }

  /** Checks a physical bucket name against S3's rules. */
  static String bucketName(String name, String key, String variable) {
    if (!ObjectKeys.isValidBucket(name)) {
      throw new InvalidConfigException(key, "Bucket name '" + name + "' from " + key + (variable == null ? ""
          : "/" + variable) + " is not a valid S3 bucket name; use 3-63 lower-case letters, digits, '-' and '.', "
          + "starting and ending with a letter or digit");
    }
    return name;
  }

  private static InvalidConfigException badEndpoint(String text, String problem) {
    return new InvalidConfigException("store.endpoint", "The S3 endpoint '" + text + "' (store.endpoint/"
        + "MINIO_ENDPOINT) is not usable: " + problem + ". Give e.g. http://minio:9000 or minio:9000");
  }

  private static void requireText(String value, String key, String variable, String what) {
    if (value == null || value.isBlank()) {
      throw new InvalidConfigException(key, "No " + key + " is configured: set " + key
          + (variable == null ? "" : " or " + variable) + " to " + what);
    }
  }

  private static void requirePositive(Duration duration, String method) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new InvalidConfigException(method, "MinioObjectStore.builder()." + method + "(" + duration
          + ") must be a positive duration");
    }
  }

  /** Never shows the secret key. */
  @Override
  public String toString() {
    return "MinioSettings[endpoint=" + endpoint + ", accessKey=" + accessKey + ", region=" + region
        + ", buckets=" + buckets + ", createBuckets=" + createBuckets + ", partSize=" + partSize + "]";
  }
}
