package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotStatus;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code list()} for any fleet size in two calls: one label-selected Deployment list (the filter's labels and
 * segment are part of the equality selector) and one pod list for the scope, joined by {@code berth.id}.
 */
final class FleetList {
  private final Cluster cluster;
  private final String scope;

  FleetList(Cluster cluster, String scope) {
    this.cluster = cluster;
    this.scope = scope;
  }

  List<BotStatus> list(BotFilter filter) {
    List<BotStatus> statuses = new ArrayList<>(selected(filter));
    statuses.removeIf(status -> !filter.matches(status));
    return statuses;
  }

  /**
   * The statuses of the bots the filter's labels and segment select on the server, sorted by id; its states are
   * not applied.
   */
  List<BotStatus> selected(BotFilter filter) {
    Map<String, String> labels = new HashMap<>(filter.labels());
    filter.segment().ifPresent(segment -> labels.put(BotFilter.SEGMENT_LABEL, segment));
    labels.putAll(KubeLabels.scopeSelector(scope, KubeLabels.KIND_BOT));
    String deploymentSelector = KubeLabels.selectorText(labels);
    String podSelector = KubeLabels.selectorText(KubeLabels.scopeSelector(scope, KubeLabels.KIND_BOT));
    KubeConnection k = cluster.connection();
    List<V1Deployment> deployments = cluster.errors().call(KubeOp.of("list", "deployments", "listing bots"), null,
        null, () -> k.apps().listNamespacedDeployment(cluster.namespace()).labelSelector(deploymentSelector)
            .execute()).getItems();
    List<V1Pod> pods = cluster.errors().call(KubeOp.of("list", "pods", "listing the pods of bots"), null, null,
        () -> k.core().listNamespacedPod(cluster.namespace()).labelSelector(podSelector).execute()).getItems();
    Map<String, List<V1Pod>> podsById = new HashMap<>();
    for (V1Pod pod : pods) {
      String id = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(KubeLabels.ID);
      if (id != null) {
        podsById.computeIfAbsent(id, key -> new ArrayList<>()).add(pod);
      }
    }
    List<BotStatus> statuses = new ArrayList<>();
    for (V1Deployment deployment : deployments) {
      String id = deployment.getMetadata().getLabels().get(KubeLabels.ID);
      // the selector already matched; checked again because some servers ignore parts of a selector
      if (id != null && cluster.isOurs(deployment.getMetadata().getLabels(), KubeLabels.KIND_BOT, id)) {
        statuses.add(StatusMapper.map(id, deployment, podsById.getOrDefault(id, List.of())));
      }
    }
    statuses.sort(Comparator.comparing(BotStatus::id));
    return statuses;
  }
}
