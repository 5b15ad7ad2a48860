package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletes what no owner holds any more: pods, ConfigMaps, Secrets and Jobs whose every {@code ownerReference}
 * names a Deployment, Job or CronJob that is gone, as the cluster's garbage collector does after a
 * background-propagated delete.
 */
final class GarbageCollector {
  private final SimApi api;

  GarbageCollector(SimApi api) {
    this.api = api;
  }

  /** Call with the pods listed before this call, so that no owner created meanwhile is missed. */
  void collect(List<V1Pod> pods) throws ApiException {
    List<Dependent> dependents = new ArrayList<>();
    pods.forEach(p -> dependents.add(new Dependent("pods", p.getMetadata())));
    api.core.listNamespacedConfigMap(api.namespace).execute().getItems()
        .forEach(c -> dependents.add(new Dependent("configmaps", c.getMetadata())));
    api.core.listNamespacedSecret(api.namespace).execute().getItems()
        .forEach(s -> dependents.add(new Dependent("secrets", s.getMetadata())));
    api.batch.listNamespacedJob(api.namespace).execute().getItems()
        .forEach(j -> dependents.add(new Dependent("jobs", j.getMetadata())));
    Set<String> owners = new HashSet<>();
    api.apps.listNamespacedDeployment(api.namespace).execute().getItems()
        .forEach(d -> owners.add(d.getMetadata().getUid()));
    api.batch.listNamespacedJob(api.namespace).execute().getItems()
        .forEach(j -> owners.add(j.getMetadata().getUid()));
    api.batch.listNamespacedCronJob(api.namespace).execute().getItems()
        .forEach(c -> owners.add(c.getMetadata().getUid()));
    for (Dependent dependent : dependents) {
      List<V1OwnerReference> refs = dependent.meta.getOwnerReferences();
      if (refs != null && !refs.isEmpty() && refs.stream().noneMatch(r -> owners.contains(r.getUid()))) {
        delete(dependent);
      }
    }
  }

  private void delete(Dependent dependent) throws ApiException {
    String name = dependent.meta.getName();
    try {
      switch (dependent.resource) {
        case "pods" -> api.core.deleteNamespacedPod(name, api.namespace).execute();
        case "configmaps" -> api.core.deleteNamespacedConfigMap(name, api.namespace).execute();
        case "secrets" -> api.core.deleteNamespacedSecret(name, api.namespace).execute();
        default -> api.batch.deleteNamespacedJob(name, api.namespace).execute();
      }
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
    }
  }

  private record Dependent(String resource, V1ObjectMeta meta) {}
}
