package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Validates archive entry names and link targets lexically; every rejection names the entry and the rule. */
public final class EntryNames {
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);

  private EntryNames() {}

  /**
   * The entry's path as {@code /}-separated segments relative to the target, without {@code .} or empty
   * segments; an empty list names the target itself.
   */
  static List<String> segments(String name) {
    if (name.indexOf('\0') >= 0) {
      throw reject(name, "contains a NUL character");
    }
    if (name.indexOf('\\') >= 0) {
      throw reject(name, "contains a backslash, which Windows treats as a path separator");
    }
    if (name.startsWith("/")) {
      throw reject(name, "is an absolute path");
    }
    if (DRIVE.matcher(name).matches()) {
      throw reject(name, "starts with a Windows drive letter");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..")) {
        throw reject(name, "leaves the workspace ('..' segment)");
      }
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw reject(name, "contains the control character " + String.format("U+%04X", (int) c) + ", which could "
            + "forge lines in logs and listings");
      }
    }
    return segments;
  }

  /**
   * Checks a symbolic link's target text: relative, and lexically inside the target when resolved from the
   * link's directory ({@code linkSegments} without its last element).
   */
  static void checkSymlinkTarget(String name, List<String> linkSegments, String linkTarget) {
    String shown = "symbolic link to '" + printable(linkTarget) + "'";
    if (linkTarget.isEmpty()) {
      throw reject(name, "is a symbolic link with an empty target");
    }
    if (linkTarget.indexOf('\0') >= 0 || linkTarget.indexOf('\\') >= 0) {
      throw reject(name, "is a " + shown + ", which contains a NUL or backslash");
    }
    if (linkTarget.startsWith("/") || DRIVE.matcher(linkTarget).matches()) {
      throw reject(name, "is a " + shown + ", an absolute path outside the workspace");
    }
    int depth = linkSegments.size() - 1;
    for (String segment : linkTarget.split("/", -1)) {
      if (segment.equals("..")) {
        if (--depth < 0) {
          throw reject(name, "is a " + shown + ", which points outside the workspace");
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        depth++;
      }
    }
  }

  /** An {@link InvalidSpecException} for one entry: {@code codeBundle: entry 'x' <rule>; rebuild ...}. */
  static InvalidSpecException reject(String name, String rule) {
    return new InvalidSpecException("code bundle", List.of("codeBundle: entry '" + printable(name) + "' " + rule
        + "; rebuild the archive without it"));
  }

  /** The bundle as a whole is unusable. */
  static InvalidSpecException rejectBundle(String problem) {
    return new InvalidSpecException("code bundle", List.of("codeBundle: " + problem));
  }

  /** Escapes control characters so a hostile name cannot forge log lines or hide itself. */
  public static String printable(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 300));
    for (int i = 0; i < text.length() && sb.length() < 300; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.length() >= 300 ? sb + "..." : sb.toString();
  }
}
