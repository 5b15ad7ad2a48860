package dev.berth.runtime.minio;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.core.internal.ObjectKeys;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks names with the rules every Berth store applies ({@link ObjectKeys}), so that code written against the
 * filesystem store moves to S3 unchanged, and normalises user metadata for S3.
 */
final class ObjectNames {
  private static final Pattern METADATA_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
  private static final Pattern METADATA_VALUE = Pattern.compile("[\\x20-\\x7e]{0,1024}");

  private ObjectNames() {}

  static void bucket(String bucket) {
    if (bucket == null || bucket.isBlank()) {
      throw invalid("bucket", "is empty; use ObjectStore.CODE_BUCKET, RESULTS_BUCKET or LOGS_BUCKET");
    }
  }

  /** A bucket name used as given (not one of the logical buckets). */
  static void physicalBucket(String bucket) {
    ObjectKeys.bucket(bucket);
  }

  static void key(String key) {
    ObjectKeys.key(key);
  }

  /** A listing prefix: any start of a valid key (the last segment may be partial or empty). */
  static void prefix(String prefix) {
    ObjectKeys.prefix(prefix);
  }

  /**
   * User metadata with lower-case names: S3 sends names back in whatever case its HTTP layer chose (MinIO's
   * Java client capitalises them), so Berth stores and returns them in lower case.
   */
  static Map<String, String> metadata(Map<String, String> metadata) {
    Map<String, String> normalised = new TreeMap<>();
    metadata.forEach((name, value) -> {
      String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
      if (!METADATA_NAME.matcher(lower).matches()) {
        throw invalid("metadata", "name '" + name + "' is not 1-128 letters, digits and '-' (starting with a "
            + "letter or digit)");
      }
      if (value == null || !METADATA_VALUE.matcher(value).matches()) {
        throw invalid("metadata", "value of '" + name + "' is not printable ASCII of at most 1024 characters");
      }
      if (normalised.put(lower, value) != null) {
        throw invalid("metadata", "name '" + lower + "' is given twice in different cases");
      }
    });
    return normalised;
  }

  static InvalidSpecException invalid(String field, String problem) {
    return ObjectKeys.invalid(field, problem);
  }
}
