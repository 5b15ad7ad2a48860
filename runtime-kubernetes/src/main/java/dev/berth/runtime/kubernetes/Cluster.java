package dev.berth.runtime.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.runtime.WorkloadKind;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API calls of the bot lifecycle, each translated into Berth's exceptions with the RBAC verb it needs.
 * Patches are JSON merge patches: every API server accepts them, where strategic merge and server-side apply
 * are not served everywhere.
 */
final class Cluster {
  private final KubeConnection connection;
  private final String scope;
  private final PodChanges changes;

  Cluster(KubeConnection connection, String scope, java.time.Duration pollInterval) {
    this.connection = connection;
    this.scope = scope;
    this.changes = new PodChanges(connection, pollInterval);
  }

  KubeConnection connection() {
    return connection;
  }

  String namespace() {
    return connection.namespace();
  }

  KubeErrors errors() {
    return connection.errors();
  }

  /** The bot's Deployment, when it exists and is this scope's. */
  Optional<V1Deployment> deployment(String id) {
    return connection.errors().callOrEmpty(KubeOp.of("get", "deployments", "reading bot '" + id + "'"),
            () -> connection.apps().readNamespacedDeployment(KubeLabels.botName(scope, id), namespace()).execute())
        .filter(d -> isOurs(d.getMetadata().getLabels(), KubeLabels.KIND_BOT, id));
  }

  boolean isOurs(Map<String, String> labels, String kind, String id) {
    return labels != null && labels.entrySet().containsAll(KubeLabels.selector(scope, kind, id).entrySet());
  }

  /** The pods of one workload (any kind), one list call. */
  List<V1Pod> pods(String kind, String id) {
    return podList(kind, id).getItems();
  }

  /** The pods of one workload with the list's resource version, for {@link #awaitPodChange}. */
  V1PodList podList(String kind, String id) {
    String selector = podSelector(kind, id);
    return connection.errors().call(KubeOp.of("list", "pods", "listing the pods of " + kind + " '" + id + "'"), null,
        null, () -> connection.core().listNamespacedPod(namespace()).labelSelector(selector).execute());
  }

  /**
   * Returns once the workload's pods changed since {@code seen} was listed (a watch where the server streams one,
   * else a pause of the poll interval), or after at most {@code max}.
   */
  void awaitPodChange(String kind, String id, V1PodList seen, java.time.Duration max) throws InterruptedException {
    changes.await(podSelector(kind, id), seen.getMetadata() == null ? null : seen.getMetadata().getResourceVersion(),
        max);
  }

  /** Whether pod waits are watches: false once the server showed it streams none. */
  boolean watchesPods() {
    return changes.watching();
  }

  private String podSelector(String kind, String id) {
    return KubeLabels.selectorText(KubeLabels.selector(scope, kind, id));
  }

  /** Applies a JSON merge patch to the bot's Deployment. */
  V1Deployment patchDeployment(String id, JsonObject patch, String what) {
    String name = KubeLabels.botName(scope, id);
    return connection.errors().call(KubeOp.of("patch", "deployments", what), WorkloadKind.BOT, id,
        () -> PatchUtils.patch(V1Deployment.class, () -> connection.apps().patchNamespacedDeployment(name,
            namespace(), new V1Patch(patch.toString())).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            connection.client()));
  }

  /** Deletes a pod with at most {@code graceSeconds} to stop; quiet when it is gone. */
  void deletePod(String name, long graceSeconds, String what) {
    connection.errors().callOrEmpty(KubeOp.of("delete", "pods", what), () -> connection.core()
        .deleteNamespacedPod(name, namespace()).gracePeriodSeconds((int) Math.min(Integer.MAX_VALUE, graceSeconds))
        .body(new V1DeleteOptions().gracePeriodSeconds(graceSeconds)).execute());
  }

  /** A client model as JSON, for embedding in a merge patch. */
  JsonElement json(Object model) {
    return JsonParser.parseString(io.kubernetes.client.openapi.JSON.serialize(model));
  }

  /** {@code {"metadata":{"annotations":{...}}}} style nesting: the object at {@code path}, created as needed. */
  static JsonObject at(JsonObject root, String... path) {
    JsonObject current = root;
    for (String key : path) {
      if (!current.has(key)) {
        current.add(key, new JsonObject());
      }
      current = current.getAsJsonObject(key);
    }
    return current;
  }
}
