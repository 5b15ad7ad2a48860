package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules every Berth object store applies to bucket names, keys and prefixes, so that code written against
 * one store moves to another unchanged and no key can address a file outside a file-system store: S3 bucket
 * names; keys are {@code /}-separated relative paths of at most 1024 UTF-8 bytes without empty, {@code .},
 * {@code ..} or reserved segments, backslashes or NUL characters.
 */
public final class ObjectKeys {
  /** Prefix of temporary files next to objects while they are written; never a key segment. */
  public static final String TEMP_PREFIX = ".berth-tmp-";

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
  private static final int MAX_KEY_BYTES = 1024;

  private ObjectKeys() {}

  /** Whether S3 accepts the name: 3-63 lower-case letters, digits, '-' and '.', not like an IP address. */
  public static boolean isValidBucket(String bucket) {
    return bucket != null && BUCKET.matcher(bucket).matches() && !bucket.contains("..")
        && !IP_ADDRESS.matcher(bucket).matches();
  }

  /** Checks a bucket name. */
  public static void bucket(String bucket) {
    if (!isValidBucket(bucket)) {
      throw invalid("bucket", "'" + printable(bucket) + "' is not a valid S3 bucket name; use 3-63 lower-case "
          + "letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
  }

  /** Checks an object key. */
  public static void key(String key) {
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
  public static void prefix(String prefix) {
    if (prefix == null) {
      throw invalid("prefix", "is null; use \"\" to list everything");
    }
    checkText("prefix", prefix);
    String[] segments = prefix.split("/", -1);
    for (int i = 0; i < segments.length - 1; i++) {
      checkSegment(prefix, segments[i]);
    }
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
    if (segment.startsWith(TEMP_PREFIX)) {
      throw invalid("key", "'" + printable(key) + "' uses the reserved prefix '" + TEMP_PREFIX + "'");
    }
  }

  /** The exception for a bad value of one of the store's arguments. */
  public static InvalidSpecException invalid(String field, String problem) {
    return new InvalidSpecException("object store " + field, List.of(field + ": " + problem));
  }

  /** The text with control characters escaped, cut at 200 characters, fit for a message. */
  public static String printable(String text) {
    return text == null ? "null" : EntryNames.printable(text);
  }
}
