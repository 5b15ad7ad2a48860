package dev.berth.runtime.minio;

import dev.berth.runtime.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks keys, prefixes and metadata names with the rules every Berth store applies, so that code written
 * against the filesystem store moves to S3 unchanged: {@code /}-separated relative paths without empty,
 * {@code .} or {@code ..} segments, backslashes or NUL characters.
 */
final class ObjectNames {
  private static final int MAX_KEY_BYTES = 1024;
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
  private static final Pattern METADATA_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
  private static final Pattern METADATA_VALUE = Pattern.compile("[\\x20-\\x7e]{0,1024}");

  private ObjectNames() {}

  static void bucket(String bucket) {
    if (bucket == null || bucket.isBlank()) {
      throw invalid("bucket", "is empty; use ObjectStore.CODE_BUCKET, RESULTS_BUCKET or LOGS_BUCKET");
    }
  }

  /** Whether S3 accepts the name: 3-63 lower-case letters, digits, '-' and '.', not like an IP address. */
  static boolean isValidBucketName(String name) {
    return name != null && BUCKET.matcher(name).matches() && !name.contains("..")
        && !IP_ADDRESS.matcher(name).matches();
  }

  /** A bucket name used as given (not one of the logical buckets). */
  static void physicalBucket(String bucket) {
    if (!isValidBucketName(bucket)) {
      throw invalid("bucket", "'" + printable(bucket) + "' is not a valid S3 bucket name; use 3-63 lower-case "
          + "letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
  }

  static void key(String key) {
    if (key == null || key.isEmpty()) {
      throw invalid("key", "is empty; give a relative path such as 'momentum/v7.zip'");
    }
    checkText("key", key);
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw invalid("key", "is longer than " + MAX_KEY_BYTES + " bytes (UTF-8), the S3 limit");
    }
    for (String segment : key.split("/", -1)) {
      checkSegment(key, segment);
    }
  }

  /** A listing prefix: any start of a valid key (the last segment may be partial or empty). */
  static void prefix(String prefix) {
    if (prefix == null) {
      throw invalid("prefix", "is null; use \"\" to list everything");
    }
    checkText("prefix", prefix);
    String[] segments = prefix.split("/", -1);
    for (int i = 0; i < segments.length - 1; i++) {
      checkSegment(prefix, segments[i]);
    }
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

  private static void checkText(String field, String text) {
    if (text.indexOf('\0') >= 0) {
      throw invalid(field, "'" + printable(text) + "' contains a NUL character");
    }
    if (text.indexOf('\\') >= 0) {
      throw invalid(field, "'" + printable(text) + "' contains a backslash; separate segments with '/'");
    }
    if (text.startsWith("/")) {
      throw invalid(field, "'" + printable(text) + "' is absolute; drop the leading '/'");
    }
  }

  private static void checkSegment(String key, String segment) {
    if (segment.isEmpty()) {
      throw invalid("key", "'" + printable(key) + "' has an empty segment ('//' or a trailing '/')");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw invalid("key", "'" + printable(key) + "' has a '" + segment + "' segment; keys are plain paths");
    }
  }

  static InvalidSpecException invalid(String field, String problem) {
    return new InvalidSpecException("object store " + field, List.of(field + ": " + problem));
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(200).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
