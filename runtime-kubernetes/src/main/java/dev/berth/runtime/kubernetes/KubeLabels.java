package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.WorkloadSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Labels, annotations and object names. Every lookup selects by label ({@code berth.managed}, {@code berth.scope},
 * {@code berth.kind}, {@code berth.id}), with equality selectors only, so a new JVM re-adopts what an earlier one
 * made and foreign objects are never touched.
 */
final class KubeLabels {
  static final String MANAGED = "berth.managed";
  static final String SCOPE = "berth.scope";
  static final String ID = "berth.id";
  static final String KIND = "berth.kind";
  static final String KIND_BOT = "bot";
  static final String KIND_BACKTEST = "backtest";
  /** Kind of a CronJob's workloads. */
  static final String KIND_SCHEDULE = "schedule";

  /** Deployment annotation: the bot's restart policy as Berth enforces it ({@code never}, {@code on-failure:3}). */
  static final String RESTART_POLICY = "berth.dev/restart-policy";
  /** Deployment annotation: set by the first start, so a bot scaled to 0 reads CREATED before and STOPPED after. */
  static final String STARTED = "berth.dev/started";
  /** Deployment annotation: the exit Berth saw before it scaled a bot down per its restart policy. */
  static final String LAST_EXIT = "berth.dev/last-exit";
  /** Pod template annotation Kubernetes' own {@code kubectl rollout restart} uses. */
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  /**
   * Pod template annotation: when Berth last updated the bot, so that {@code update} waits for the pod of this
   * template, not an old one the Deployment controller has yet to replace.
   */
  static final String UPDATED_AT = "berth.dev/updated-at";

  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private KubeLabels() {}

  /** The labels selecting one workload of a kind. */
  static Map<String, String> selector(String scope, String kind, String id) {
    Map<String, String> labels = scopeSelector(scope, kind);
    labels.put(ID, id);
    return labels;
  }

  /** The labels selecting every workload of a kind in the scope. */
  static Map<String, String> scopeSelector(String scope, String kind) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(MANAGED, "true");
    labels.put(SCOPE, scope);
    labels.put(KIND, kind);
    return labels;
  }

  /** Berth's labels plus the spec's user labels (the fleet's spec-hash and segment among them, as given). */
  static Map<String, String> forWorkload(String scope, WorkloadSpec spec) {
    Map<String, String> labels = new TreeMap<>(spec.labels());
    labels.putAll(selector(scope, spec.kind().label(), spec.id()));
    return labels;
  }

  /** An equality selector, e.g. {@code berth.id=b1,berth.managed=true}: the only kind every server honours. */
  static String selectorText(Map<String, String> labels) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(labels).forEach((key, value) -> {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(key).append('=').append(value);
    });
    return text.toString();
  }

  /** The labels a caller set: Berth's own are removed, except the fleet labels users may set. */
  static Map<String, String> userLabels(Map<String, String> labels) {
    Map<String, String> user = new HashMap<>();
    if (labels != null) {
      labels.forEach((key, value) -> {
        if (!key.startsWith("berth.") || key.equals(BotFilter.SEGMENT_LABEL) || key.equals(BotFilter.SPEC_HASH_LABEL)) {
          user.put(key, value);
        }
      });
    }
    return user;
  }

  /** Problems with user labels Kubernetes would reject, each naming the label and the rule. */
  static List<String> invalidLabels(Map<String, String> labels) {
    List<String> problems = new ArrayList<>();
    labels.forEach((key, value) -> {
      int slash = key.indexOf('/');
      String name = slash < 0 ? key : key.substring(slash + 1);
      String prefix = slash < 0 ? "" : key.substring(0, slash);
      if (name.length() > 63 || !LABEL_NAME.matcher(name).matches()
          || (slash >= 0 && (prefix.length() > 253 || !PREFIX.matcher(prefix).matches()))) {
        problems.add("labels: key '" + key + "' is not a Kubernetes label key; use [prefix/]name with a name of at "
            + "most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit");
      }
      if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
        problems.add("labels: value '" + value + "' of '" + key + "' is not a Kubernetes label value; use at most "
            + "63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit");
      }
    });
    return problems;
  }

  /**
   * The object name of a workload: {@code berth-<id>-<hash of the scope>}, so scopes can share a namespace, or,
   * where that is longer than {@code max}, a prefix of the id and a hash of scope and id. Names only need to be
   * unique; lookups go by label.
   */
  static String name(String scope, String id, int max) {
    String name = "berth-" + id + "-" + hash(scope).substring(0, 6);
    if (name.length() <= max) {
      return name;
    }
    String hash = hash(scope + "/" + id).substring(0, 12);
    String prefix = id.substring(0, max - hash.length() - 1);
    while (prefix.endsWith("-")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix + "-" + hash;
  }

  /** The name of a bot's Deployment, ConfigMap and Secret. */
  static String botName(String scope, String id) {
    return name(scope, id, 63);
  }

  static String hash(String text) {
    return hash(text.getBytes(StandardCharsets.UTF_8));
  }

  static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is part of every JDK", e);
    }
  }

  /** A copy in key order, for stable manifests. */
  static Map<String, String> sorted(Map<String, String> map) {
    return new LinkedHashMap<>(new TreeMap<>(map));
  }
}
