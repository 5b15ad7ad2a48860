package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentCondition;
import io.kubernetes.client.openapi.models.V1DeploymentStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each Deployment's pods at {@code spec.replicas} with the current template: a changed template (an
 * update, or the {@code restartedAt} annotation) replaces the pod the way a Recreate rollout does, the new pod
 * created only once every old one has terminated. Pods are owned by the Deployment directly (no ReplicaSet in
 * between) and labelled with the template's labels plus {@code pod-template-hash}. A pod that failed (its
 * container removed behind the kubelet's back) is replaced. Pods are deleted gracefully; a Terminating pod no
 * longer counts towards the replicas.
 */
final class DeploymentController {
  static final String HASH_LABEL = "pod-template-hash";

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);

  private final SimApi api;
  private final Map<String, V1DeploymentStatus> written = new HashMap<>();

  DeploymentController(SimApi api) {
    this.api = api;
  }

  void reconcile(List<V1Pod> pods) throws ApiException {
    List<V1Deployment> deployments = api.apps.listNamespacedDeployment(api.namespace).execute().getItems();
    for (V1Deployment deployment : deployments) {
      String uid = deployment.getMetadata().getUid();
      List<V1Pod> owned = pods.stream().filter(p -> PodFactory.ownedBy(p.getMetadata(), uid))
          .collect(Collectors.toList());
      try {
        reconcile(deployment, owned);
      } catch (ApiException e) {
        LOG.debug("Reconciling Deployment {} failed ({}): {}", deployment.getMetadata().getName(), e.getCode(),
            e.getResponseBody());
      }
    }
    written.keySet().retainAll(deployments.stream().map(d -> d.getMetadata().getUid()).collect(Collectors.toSet()));
  }

  private void reconcile(V1Deployment deployment, List<V1Pod> owned) throws ApiException {
    String hash = PodFactory.templateHash(api.json(deployment.getSpec().getTemplate()));
    int desired = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    List<V1Pod> current = new ArrayList<>();
    boolean oldTemplateLeft = false;
    for (V1Pod pod : owned) {
      boolean sameTemplate = hash.equals(pod.getMetadata().getLabels().get(HASH_LABEL));
      oldTemplateLeft |= !sameTemplate;
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (sameTemplate && !terminal(pod) && current.size() < desired) {
        current.add(pod);
      } else {
        delete(pod);
      }
    }
    for (int i = current.size(); i < desired && !oldTemplateLeft; i++) {
      String name = deployment.getMetadata().getName() + "-" + hash + "-" + PodFactory.suffix();
      V1Pod pod = PodFactory.fromTemplate(name, deployment.getSpec().getTemplate(), Map.of(HASH_LABEL, hash),
          PodFactory.owner("apps/v1", "Deployment", deployment.getMetadata()));
      current.add(api.core.createNamespacedPod(api.namespace, pod).execute());
    }
    writeStatus(deployment, current, owned.size());
  }

  private void writeStatus(V1Deployment deployment, List<V1Pod> current, int allPods) throws ApiException {
    int ready = (int) current.stream().filter(DeploymentController::ready).count();
    V1DeploymentStatus status = new V1DeploymentStatus()
        .observedGeneration(deployment.getMetadata().getGeneration())
        .replicas(Math.max(current.size(), allPods)).updatedReplicas(current.size())
        .readyReplicas(ready).availableReplicas(ready).unavailableReplicas(current.size() - ready);
    String uid = deployment.getMetadata().getUid();
    if (status.equals(written.get(uid))) {
      return;
    }
    boolean available = ready >= Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    V1DeploymentStatus sent = new V1DeploymentStatus().observedGeneration(status.getObservedGeneration())
        .replicas(status.getReplicas()).updatedReplicas(status.getUpdatedReplicas())
        .readyReplicas(status.getReadyReplicas()).availableReplicas(status.getAvailableReplicas())
        .unavailableReplicas(status.getUnavailableReplicas())
        .addConditionsItem(new V1DeploymentCondition().type("Available").status(available ? "True" : "False")
            .reason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
            .lastUpdateTime(now).lastTransitionTime(now));
    try {
      api.patchStatus(V1Deployment.class, sent, patch -> api.apps.patchNamespacedDeploymentStatus(
          deployment.getMetadata().getName(), api.namespace, patch).buildCall(null));
      written.put(uid, status);
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
    }
  }

  private void delete(V1Pod pod) throws ApiException {
    try {
      api.core.deleteNamespacedPod(pod.getMetadata().getName(), api.namespace).execute();
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
    }
  }

  /** A failed (or, oddly, succeeded) pod is replaced, as the ReplicaSet controller does. */
  private static boolean terminal(V1Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  static boolean ready(V1Pod pod) {
    List<V1PodCondition> conditions = pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return conditions != null && conditions.stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
