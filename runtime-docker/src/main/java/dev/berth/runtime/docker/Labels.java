package dev.berth.runtime.docker;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels by which Berth finds its containers: every lookup filters on them, never on names, so a new
 * JVM re-adopts what an earlier one created and foreign containers are never touched.
 */
final class Labels {
  static final String MANAGED = "berth.managed";
  static final String SCOPE = "berth.scope";
  static final String ID = "berth.id";
  static final String KIND = "berth.kind";
  /** Backtests: when the run must end, epoch seconds; lets a sweeper spot runs whose runner died. */
  static final String DEADLINE = "berth.deadline";
  /** Backtests kept for debugging ({@code BacktestSpec.keep}); the sweeper leaves them. */
  static final String KEEP = "berth.keep";
  /** Sidecars: the sidecar's name; its berth.id is the bot it belongs to. */
  static final String SIDECAR = "berth.sidecar";

  static final String KIND_BOT = WorkloadKind.BOT.label();
  static final String KIND_BACKTEST = WorkloadKind.BACKTEST.label();
  static final String KIND_SIDECAR = "sidecar";
  static final String KIND_NETWORK = "network";

  private Labels() {}

  /**
   * Berth's labels plus the spec's user labels, the fleet labels among them: the spec hash label is the one a
   * fleet reconciler gave the spec, so that it reads back what it wrote.
   */
  static Map<String, String> forWorkload(String scope, WorkloadSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    labels.putAll(selector(scope, spec.kind().label(), spec.id()));
    return labels;
  }

  /** The filter for one workload of a kind. */
  static Map<String, String> selector(String scope, String kind, String id) {
    Map<String, String> labels = scopeSelector(scope, kind);
    labels.put(ID, id);
    return labels;
  }

  /** The filter for every workload of a kind in the scope. */
  static Map<String, String> scopeSelector(String scope, String kind) {
    Map<String, String> labels = new HashMap<>();
    labels.put(MANAGED, "true");
    labels.put(SCOPE, scope);
    labels.put(KIND, kind);
    return labels;
  }

  /** The labels a caller set: Berth's own are removed, except the fleet labels users may set. */
  static Map<String, String> userLabels(Map<String, String> labels) {
    Map<String, String> user = new HashMap<>();
    if (labels != null) {
      labels.forEach((key, value) -> {
        if (!key.startsWith("berth.") || key.equals(BotFilter.SEGMENT_LABEL)
            || key.equals(BotFilter.SPEC_HASH_LABEL)) {
          user.put(key, value);
        }
      });
    }
    return user;
  }
}
