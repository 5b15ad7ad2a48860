package dev.berth.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Collects every problem of a value before throwing, so callers fix a spec in one round trip. */
final class Violations {
  static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern LABEL_KEY =
      Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private static final String NUL_PROBLEM = "contains a NUL character; remove it";

  private final String subject;
  private final List<String> problems = new ArrayList<>();

  Violations(String subject) {
    this.subject = subject;
  }

  Violations add(String field, String problem) {
    problems.add(field + ": " + problem);
    return this;
  }

  Violations check(boolean ok, String field, String problem) {
    if (!ok) {
      add(field, problem);
    }
    return this;
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(subject, problems);
    }
  }

  Violations id(String field, String id) {
    if (id == null || id.isEmpty()) {
      return add(field, "is missing; give a DNS-1123 label such as 'momentum-btc-1'");
    }
    return check(id.length() <= 63 && DNS_LABEL.matcher(id).matches(), field,
        "'" + shown(id) + "' is not a DNS-1123 label; use lower-case letters, digits and '-', "
            + "starting and ending with a letter or digit, at most 63 characters");
  }

  Violations env(String field, Map<String, String> env) {
    env.forEach((name, value) -> {
      if (hasNul(name)) {
        add(field, "name '" + shown(name) + "' " + NUL_PROBLEM);
      } else {
        check(ENV_NAME.matcher(name).matches(), field, "'" + name + "' is not a valid environment variable name; "
            + "use letters, digits and '_' and do not start with a digit");
        noNul(field + "." + name, "value", value);
      }
    });
    return this;
  }

  Violations labels(String field, Map<String, String> labels) {
    labels.forEach((key, value) -> {
      if (hasNul(key)) {
        add(field, "key '" + shown(key) + "' " + NUL_PROBLEM);
        return;
      }
      check(key.length() <= 253 && LABEL_KEY.matcher(key).matches(), field,
          "key '" + key + "' is not a valid label key; use letters, digits, '-', '_' and '.', "
              + "optionally prefixed by a DNS domain and '/'");
      noNul(field + "." + key, "value", value);
      check(value.length() <= 63, field,
          "value of '" + key + "' is longer than 63 characters; shorten it");
    });
    return this;
  }

  /**
   * Text that reaches the OS (argv, environment, paths) is C strings there: a NUL would cut it short or make
   * the launch fail far from the spec, so it is refused here with the field named.
   */
  Violations noNul(String field, String what, String text) {
    return check(!hasNul(text), field, (what.isEmpty() ? "" : what + " ") + NUL_PROBLEM);
  }

  static boolean hasNul(String text) {
    return text != null && text.indexOf('\0') >= 0;
  }

  /** The text with NUL and other control characters escaped, so a message can show it. */
  static String shown(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '\0') {
        sb.append("\\0");
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  Violations relativePath(String field, String path) {
    if (hasNul(path)) {
      return add(field, NUL_PROBLEM);
    }
    if (path.isEmpty()) {
      return add(field, "is empty; give a path relative to the workload's directory");
    }
    Path parsed;
    try {
      parsed = Path.of(path);
    } catch (RuntimeException e) {
      return add(field, "'" + path + "' is not a valid path");
    }
    check(!parsed.isAbsolute() && !path.startsWith("/") && !path.startsWith("\\"), field,
        "'" + path + "' is absolute; give a path relative to the workload's directory");
    for (Path part : parsed) {
      if (part.toString().equals("..")) {
        return add(field, "'" + path + "' leaves the workload's directory through '..'; remove it");
      }
    }
    return this;
  }

  private static final Pattern LANGUAGE =
      Pattern.compile("python3(\\.[0-9]+)?|nodejs([0-9]+)?|node([0-9]+)?|java([0-9]+)?|command");
  private static final Pattern IMAGE = Pattern.compile("[^\\s]*");

  /** Checks the parts every {@link WorkloadSpec} shares; the caller adds its own and throws. */
  Violations workload(String id, String image, List<String> command, java.util.Optional<CodeBundle> bundle,
      java.util.Optional<String> entrypoint, java.util.Optional<String> language, Map<String, String> env,
      String config, Map<String, String> labels, List<Mount> mounts, Map<String, String> options) {
    id("id", id);
    if (hasNul(image)) {
      add("image", NUL_PROBLEM);
    } else {
      check(IMAGE.matcher(image).matches(), "image", "'" + image + "' contains whitespace; give an image "
          + "reference such as busybox:1.36");
    }
    for (int i = 0; i < command.size(); i++) {
      noNul("command[" + i + "]", "", command.get(i));
    }
    boolean hasCommand = !command.isEmpty();
    check(hasCommand || entrypoint.isPresent(), "command",
        "is empty and no entrypoint is set; give a command (argv list) or a codeBundle with an entrypoint");
    check(!hasCommand || !command.get(0).isBlank(), "command", "starts with an empty program name");
    check(entrypoint.isEmpty() || bundle.isPresent(), "entrypoint",
        "is set without a codeBundle; add codeBundle(...) or use command(...)");
    entrypoint.ifPresent(path -> relativePath("entrypoint", path));
    check(language.isEmpty() || entrypoint.isPresent() || hasCommand, "language",
        "is set without an entrypoint; add entrypoint(\"main.py\") or drop the language");
    language.ifPresent(lang -> check(LANGUAGE.matcher(lang).matches(), "language",
        "'" + shown(lang) + "' is not supported; use python3 or python3.X, nodejs or nodejsNN, java, or command"));
    env(env);
    json("config", config);
    labels("labels", labels);
    labels.keySet().forEach(key -> check(!key.startsWith("berth.") || key.equals(BotFilter.SEGMENT_LABEL)
        || key.equals(BotFilter.SPEC_HASH_LABEL), "labels", "key '" + key + "' uses the reserved prefix 'berth.'; "
        + "choose another key"));
    long distinctTargets = mounts.stream().map(Mount::target).distinct().count();
    check(distinctTargets == mounts.size(), "mounts", "two mounts share one target; give each its own");
    options.forEach((key, value) -> {
      if (hasNul(key)) {
        add("options", "key '" + shown(key) + "' " + NUL_PROBLEM);
      } else {
        check(!key.isBlank(), "options", "has a blank key");
        noNul("options." + key, "value", value);
      }
    });
    return this;
  }

  private Violations env(Map<String, String> env) {
    env("env", env);
    for (String reserved : List.of(WorkloadSpec.BOT_ID_ENV, WorkloadSpec.BOT_CONFIG_ENV)) {
      check(!env.containsKey(reserved), "env",
          reserved + " is set by Berth from the spec; remove it (use id or config instead)");
    }
    return this;
  }

  /** An unmodifiable copy with sorted keys, so specs print and hash deterministically; rejects nulls. */
  static <V> Map<String, V> sortedCopy(String field, Map<String, V> map) {
    java.util.TreeMap<String, V> copy = new java.util.TreeMap<>();
    map.forEach((key, value) -> {
      if (key == null || value == null) {
        throw new InvalidSpecException("spec", List.of(field + ": contains a null key or value"));
      }
      copy.put(key, value);
    });
    return java.util.Collections.unmodifiableMap(copy);
  }

  static <T> List<T> listCopy(String field, List<T> list) {
    for (T item : list) {
      if (item == null) {
        throw new InvalidSpecException("spec", List.of(field + ": contains a null element"));
      }
    }
    return List.copyOf(list);
  }

  /** Config must be one JSON object: the workload reads it as named settings (file and env var). */
  Violations json(String field, String json) {
    if (hasNul(json)) {
      return add(field, NUL_PROBLEM);
    }
    String error = JsonSyntax.check(json);
    if (error != null) {
      return add(field, "is not valid JSON (" + error + "); pass a JSON object such as {}");
    }
    String kind = JsonSyntax.topLevelKind(json);
    return check(kind.equals("object"), field, "is a JSON " + kind + ", not an object; pass a JSON object "
        + "such as {\"symbol\":\"BTC-USD\"} (wrap a list or value in a named field)");
  }
}
