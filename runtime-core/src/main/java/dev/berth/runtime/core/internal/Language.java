package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidSpecException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed {@code language} value: its family and the version asked for, if any. */
record Language(Family family, String version) {
  private static final Pattern SYNTAX =
      Pattern.compile("(python3)(\\.[0-9]+)?|(nodejs|node)([0-9]+)?|(java)([0-9]+)?|(command)");

  /** Interpreter families Berth launches. */
  enum Family { PYTHON, NODE, JAVA, COMMAND }

  static Language of(String language) {
    Matcher m = SYNTAX.matcher(language == null ? "" : language.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new InvalidSpecException("language", List.of("language: '" + language + "' is not supported; use "
          + "python3 or python3.X, nodejs or nodejsNN, java, or command"));
    }
    if (m.group(1) != null) {
      return new Language(Family.PYTHON, m.group(2) == null ? "" : "3" + m.group(2));
    }
    if (m.group(3) != null) {
      return new Language(Family.NODE, m.group(4) == null ? "" : m.group(4));
    }
    if (m.group(5) != null) {
      return new Language(Family.JAVA, m.group(6) == null ? "" : m.group(6));
    }
    return new Language(Family.COMMAND, "");
  }

  /** The language implied by an entrypoint's extension: .py, .js/.mjs/.cjs, .java/.jar, else command. */
  static Language ofEntrypoint(String entrypoint) {
    String name = entrypoint.toLowerCase(Locale.ROOT);
    if (name.endsWith(".py")) {
      return new Language(Family.PYTHON, "");
    }
    if (name.endsWith(".js") || name.endsWith(".mjs") || name.endsWith(".cjs")) {
      return new Language(Family.NODE, "");
    }
    if (name.endsWith(".java") || name.endsWith(".jar")) {
      return new Language(Family.JAVA, "");
    }
    return new Language(Family.COMMAND, "");
  }

  /** The canonical language name, e.g. {@code python3.11}, {@code nodejs20}, {@code java}. */
  String text() {
    switch (family) {
      case PYTHON:
        return version.isEmpty() ? "python3" : "python" + version;
      case NODE:
        return "nodejs" + version;
      case JAVA:
        return "java" + version;
      default:
        return "command";
    }
  }
}
