package dev.berth.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Settings for a runtime: an immutable string map with typed getters whose errors name the key.
 *
 * <p>Keys are namespaced. The common keys ({@link #COMMON_KEYS}) are read by every backend:
 * <ul>
 *   <li>{@code scope}: the label separating this service's workloads from others' (default {@code default});
 *   <li>{@code runtime}: the type {@link Runtimes#create(RuntimeConfig)} picks;
 *   <li>{@code stop-grace}: how long {@code stop(id)}, {@code restart}, {@code delete}, a backtest's cancel and
 *       timeout wait after SIGTERM before killing (default 10s);
 *   <li>{@code store.type} ({@code filesystem}, the default, {@code none}, or {@code minio}/{@code s3} with
 *       {@code berth-runtime-minio} and its {@code store.endpoint}, {@code store.access-key},
 *       {@code store.secret-key}, {@code store.secure}, {@code store.region}, {@code store.*-bucket} and
 *       {@code store.create-buckets}) and {@code store.root} (default {@code ~/.berth/store}): the object store
 *       for stored code, backtest results and logs; {@code store.bundle-cache-size} (default 1g, 0 for none):
 *       how much downloaded code the runtime keeps; {@code store.ship-interval} (default 30s): how often a
 *       {@code LogShipper} copies bot logs;
 *   <li>{@code backtest.log-tail-lines} (default 100), {@code backtest.result-max-size} (default 16m) and
 *       {@code backtest.sweep-interval} (default 10s): how backtests are collected and swept.
 * </ul>
 * {@code docker.*}, {@code kubernetes.*}, {@code local.*}, {@code apple.*} belong to one backend, which
 * rejects unknown keys in the common namespaces and its own (with a did-you-mean hint) and ignores other
 * backends' keys.
 *
 * <pre>{@code
 * RuntimeConfig config = RuntimeConfig.fromEnvironment()        // BERTH_LOCAL_STATE_DIR, -Dberth.scope=...
 *     .with("scope", "research");
 * Duration grace = config.stopGrace();                         // stop-grace, default 10s
 * }</pre>
 *
 * <p>Environment variables map as {@code BERTH_<NAMESPACE>_<NAME_PARTS>} to {@code namespace.name-parts}
 * ({@code BERTH_LOCAL_STATE_DIR} to {@code local.state-dir}, {@code BERTH_SCOPE} to {@code scope},
 * {@code BERTH_STOP_GRACE} to {@code stop-grace}); system
 * properties as {@code berth.<key>} ({@code -Dberth.local.state-dir=/var/berth}). System properties win.
 */
public final class RuntimeConfig {
  /** The key of {@link #stopGrace()}. */
  public static final String STOP_GRACE = "stop-grace";

  /** Keys every backend understands. */
  public static final Set<String> COMMON_KEYS = Set.of(
      "scope", "runtime", STOP_GRACE,
      "store.type", "store.root", "store.endpoint", "store.access-key", "store.secret-key",
      "store.secure", "store.region", "store.code-bucket", "store.results-bucket", "store.logs-bucket",
      "store.create-buckets", "store.ship-interval", "store.bundle-cache-size",
      "backtest.log-tail-lines", "backtest.result-max-size", "backtest.sweep-interval");

  /** Namespaces whose keys are all common: a key in them that is not in {@link #COMMON_KEYS} is a typo. */
  private static final List<String> COMMON_NAMESPACES = List.of("store.", "backtest.");

  private static final Pattern SCOPE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final RuntimeConfig EMPTY = new RuntimeConfig(Map.of());

  private final Map<String, String> values;

  private RuntimeConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static RuntimeConfig empty() {
    return EMPTY;
  }

  /** A config holding exactly these entries. */
  public static RuntimeConfig of(Map<String, String> values) {
    values.forEach((key, value) -> {
      if (key == null || key.isBlank() || value == null) {
        throw new InvalidConfigException(String.valueOf(key),
            "Config entry '" + key + "' has a blank key or a null value; remove it");
      }
    });
    return new RuntimeConfig(values);
  }

  /** {@code BERTH_*} environment variables overlaid with {@code berth.*} system properties. */
  public static RuntimeConfig fromEnvironment() {
    return fromEnvironment(System.getenv(), System.getProperties());
  }

  /** As {@link #fromEnvironment()}, from the given sources. */
  public static RuntimeConfig fromEnvironment(Map<String, String> environment, Properties properties) {
    Map<String, String> values = new TreeMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith("BERTH_") && name.length() > "BERTH_".length()) {
        values.put(keyOfEnvironmentVariable(name), value);
      }
    });
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith("berth.") && name.length() > "berth.".length()) {
        values.put(name.substring("berth.".length()), properties.getProperty(name));
      }
    }
    return new RuntimeConfig(values);
  }

  /**
   * {@code BERTH_LOCAL_STATE_DIR} → {@code local.state-dir}; {@code BERTH_SCOPE} → {@code scope};
   * {@code BERTH_STOP_GRACE} → {@code stop-grace} (a common key without a namespace).
   */
  static String keyOfEnvironmentVariable(String name) {
    String[] parts = name.substring("BERTH_".length()).toLowerCase(Locale.ROOT).split("_");
    String topLevel = String.join("-", parts);
    if (parts.length == 1 || COMMON_KEYS.contains(topLevel)) { // BERTH_STOP_GRACE is stop-grace, not stop.grace
      return topLevel;
    }
    return parts[0] + "." + String.join("-", java.util.Arrays.copyOfRange(parts, 1, parts.length));
  }

  /** A copy with one entry set. */
  public RuntimeConfig with(String key, String value) {
    Map<String, String> copy = new TreeMap<>(values);
    copy.put(key, value);
    return of(copy);
  }

  /** A copy with {@code other}'s entries added, replacing equal keys. */
  public RuntimeConfig merge(RuntimeConfig other) {
    Map<String, String> copy = new TreeMap<>(values);
    copy.putAll(other.values);
    return new RuntimeConfig(copy);
  }

  /** All entries, sorted by key. */
  public Map<String, String> asMap() {
    return values;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public String get(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  /** The scope label separating this runtime's workloads from other services' ({@code default}). */
  public String scope() {
    String scope = get("scope", "default");
    if (scope.length() > 40 || !SCOPE.matcher(scope).matches()) {
      throw new InvalidConfigException("scope", "Config key 'scope' = '" + scope + "' is not a DNS-1123 label "
          + "of at most 40 characters; use lower-case letters, digits and '-'");
    }
    return scope;
  }

  /**
   * How long a stop waits after SIGTERM before killing: key {@value #STOP_GRACE}, default
   * {@link Runtime#DEFAULT_STOP_GRACE} (10s).
   *
   * @throws InvalidConfigException when the value is not a duration or is negative
   */
  public Duration stopGrace() {
    Duration grace = getDuration(STOP_GRACE, Runtime.DEFAULT_STOP_GRACE);
    if (grace.isNegative()) {
      throw new InvalidConfigException(STOP_GRACE, "Config key '" + STOP_GRACE + "' = '" + get(STOP_GRACE, "")
          + "' is negative; give a duration such as 10s, or 0s to kill at once");
    }
    return grace;
  }

  /**
   * A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, a plain number of seconds,
   * or ISO-8601 ({@code PT30S}).
   */
  public Duration getDuration(String key, Duration defaultValue) {
    return get(key).map(text -> parseDuration(key, text)).orElse(defaultValue);
  }

  /** A size in bytes: {@code 512m}, {@code 1g}, {@code 64k}, or plain bytes. */
  public long getSize(String key, long defaultValue) {
    return get(key).map(text -> {
      try {
        return Sizes.parse(key, text);
      } catch (InvalidSpecException e) {
        throw invalid(key, text, "a size such as 512m, 1g or 65536");
      }
    }).orElse(defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    return get(key).map(text -> {
      try {
        return Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw invalid(key, text, "an integer");
      }
    }).orElse(defaultValue);
  }

  public double getDouble(String key, double defaultValue) {
    return get(key).map(text -> {
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw invalid(key, text, "a number such as 1.5");
      }
    }).orElse(defaultValue);
  }

  /** {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}, case-insensitive. */
  public boolean getBoolean(String key, boolean defaultValue) {
    return get(key).map(text -> {
      switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true": case "yes": case "on": case "1":
          return true;
        case "false": case "no": case "off": case "0":
          return false;
        default:
          throw invalid(key, text, "true or false");
      }
    }).orElse(defaultValue);
  }

  /** A file system path; {@code ~} at the start means the user's home directory. */
  public Optional<Path> getPath(String key) {
    return get(key).map(text -> {
      String expanded = text.equals("~") || text.startsWith("~/")
          ? System.getProperty("user.home") + text.substring(1) : text;
      try {
        return Path.of(expanded);
      } catch (RuntimeException e) {
        throw invalid(key, text, "a file system path");
      }
    });
  }

  /**
   * Rejects keys in the common namespace or in {@code namespace} that are neither common nor in
   * {@code ownKeys}; keys of other namespaces are ignored.
   *
   * @param namespace the backend's namespace, e.g. {@code docker}
   * @param ownKeys the backend's full keys, e.g. {@code docker.host}
   * @throws InvalidConfigException naming every unknown key with the closest known one
   */
  public void requireKnownKeys(String namespace, Set<String> ownKeys) {
    List<String> known = new ArrayList<>(COMMON_KEYS);
    known.addAll(ownKeys);
    List<String> problems = new ArrayList<>();
    String firstBad = null;
    for (String key : values.keySet()) {
      boolean checked = !key.contains(".") || key.startsWith(namespace + ".")
          || COMMON_NAMESPACES.stream().anyMatch(key::startsWith);
      if (checked && !known.contains(key)) {
        firstBad = firstBad == null ? key : firstBad;
        problems.add("'" + key + "'" + DidYouMean.suggest(key, known).map(s -> " (did you mean '" + s + "'?)")
            .orElse(""));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(firstBad, "Unknown config key" + (problems.size() > 1 ? "s " : " ")
          + String.join(", ", problems) + " for the " + namespace + " runtime. Known keys: "
          + String.join(", ", sorted(known)) + ".");
    }
  }

  private static List<String> sorted(List<String> keys) {
    List<String> copy = new ArrayList<>(keys);
    Collections.sort(copy);
    return copy;
  }

  private static Duration parseDuration(String key, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      String[][] units = {{"ms", "MILLIS"}, {"s", "SECONDS"}, {"m", "MINUTES"}, {"h", "HOURS"}, {"d", "DAYS"}};
      for (String[] unit : units) {
        if (value.endsWith(unit[0])) {
          long amount = Long.parseLong(value.substring(0, value.length() - unit[0].length()).trim());
          return Duration.of(amount, java.time.temporal.ChronoUnit.valueOf(unit[1]));
        }
      }
      return Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw invalid(key, text, "a duration such as 500ms, 30s, 5m, 2h or PT30S");
    }
  }

  private static InvalidConfigException invalid(String key, String text, String expected) {
    return new InvalidConfigException(key,
        "Config key '" + key + "' = '" + text + "' is not " + expected + "; fix the value or remove the key");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RuntimeConfig && ((RuntimeConfig) other).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Shows keys and values, with secret-looking values masked. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((key, value) -> shown.put(key,
        key.contains("secret") || key.contains("password") || key.contains("token") ? "***" : value));
    return "RuntimeConfig" + shown;
  }
}
