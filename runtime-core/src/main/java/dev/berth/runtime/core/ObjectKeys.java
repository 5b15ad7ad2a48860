package dev.berth.runtime.core;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.core.internal.EntryNames;
import java.util.List;
import java.util.regex.Pattern;

/** Validates bucket names and object keys so that neither can address a file outside the store. */
final class ObjectKeys {
  /** Prefix of temporary files next to objects while they are written; never a key segment. */
  static final String TEMP_PREFIX = ".berth-tmp-";

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final int MAX_KEY_LENGTH = 1024;

  private ObjectKeys() {}

  static void bucket(String bucket) {
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw invalid("bucket", "'" + printable(bucket) + "' is not a valid bucket name; use 3-63 lower-case "
          + "letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
  }

  static void key(String key) {
    if (key == null || key.isEmpty()) {
      throw invalid("key", "is empty; give a relative path such as 'momentum/v7.zip'");
    }
    checkText("key", key);
    if (key.length() > MAX_KEY_LENGTH) {
      throw invalid("key", "is longer than " + MAX_KEY_LENGTH + " characters");
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

  private static InvalidSpecException invalid(String field, String problem) {
    return new InvalidSpecException("object store " + field, List.of(field + ": " + problem));
  }

  private static String printable(String text) {
    return text == null ? "null" : EntryNames.printable(text);
  }
}
