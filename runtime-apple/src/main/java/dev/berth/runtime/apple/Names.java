package dev.berth.runtime.apple;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
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
import java.util.concurrent.ThreadLocalRandom;

/**
 * The labels by which Berth finds its containers, and the names it gives them. Apple's CLI has no label
 * filter, so every lookup lists containers and keeps those whose labels match: names only make containers
 * readable in {@code container ls} and let the engine refuse a second container for the same workload.
 */
final class Names {
  static final String MANAGED = "berth.managed";
  static final String SCOPE = "berth.scope";
  static final String ID = "berth.id";
  static final String KIND = "berth.kind";

  /** Apple's rule for container ids: {@code ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$}, at most 63 characters. */
  static final int MAX_NAME = 63;

  private Names() {}

  /** Berth's labels plus the spec's user labels and {@code extra} (e.g. a backtest's deadline). */
  static Map<String, String> labels(String scope, WorkloadSpec spec, Map<String, String> extra) {
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    labels.putAll(extra);
    labels.putAll(selector(scope, spec.kind(), spec.id()));
    return labels;
  }

  /** The labels every container of this scope and kind carries. */
  static Map<String, String> scopeSelector(String scope, WorkloadKind kind) {
    Map<String, String> labels = new HashMap<>();
    labels.put(MANAGED, "true");
    labels.put(SCOPE, scope);
    labels.put(KIND, kind.label());
    return labels;
  }

  /** The labels of the containers of one workload. */
  static Map<String, String> selector(String scope, WorkloadKind kind, String id) {
    Map<String, String> labels = scopeSelector(scope, kind);
    labels.put(ID, id);
    return labels;
  }

  /** The labels a caller set: Berth's own are removed, except the fleet labels (segment, spec hash). */
  static Map<String, String> userLabels(Map<String, String> labels) {
    Map<String, String> user = new HashMap<>();
    labels.forEach((key, value) -> {
      if (!key.startsWith("berth.") || key.equals(BotFilter.SEGMENT_LABEL)
          || key.equals(BotFilter.SPEC_HASH_LABEL)) {
        user.put(key, value);
      }
    });
    return user;
  }

  /**
   * The label problems the CLI would trip over: it splits {@code -l key=value} on every {@code =}, so a value
   * holding one is refused or cut short.
   */
  static List<String> labelProblems(Map<String, String> labels) {
    List<String> problems = new ArrayList<>();
    labels.forEach((key, value) -> {
      if (value.indexOf('=') >= 0) {
        problems.add("labels." + key + ": '" + value + "' contains '=', which Apple's container CLI cannot carry "
            + "in a label value; use another character");
      }
    });
    return problems;
  }

  /**
   * The name of a workload's first container: {@code berth-<hash of scope, kind and id>-<id>}, at most 63
   * characters; the hash keeps scopes apart, the id keeps it readable.
   */
  static String canonical(String scope, WorkloadKind kind, String id) {
    return prefix(scope, kind, id) + cut(id, MAX_NAME - 17);
  }

  /** A fresh name for a container that replaces the workload's current one (an update that recreates). */
  static String replacement(String scope, WorkloadKind kind, String id) {
    String random = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return prefix(scope, kind, id) + "r" + "0000".substring(random.length()) + random + "-" + cut(id, MAX_NAME - 23);
  }

  private static String prefix(String scope, WorkloadKind kind, String id) {
    return "berth-" + sha256(scope + "/" + kind.label() + "/" + id).substring(0, 10) + "-";
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new RuntimeOperationException("SHA-256 is missing from this JVM", e);
    }
  }
}
