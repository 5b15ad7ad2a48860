package dev.berth.runtime.kubernetes;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Secret;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Create, delete and update of bots: the Deployment (created with 0 replicas, so nothing runs before its
 * ConfigMap and Secret exist), then ConfigMap and Secret owned by it. A failed create removes what it made.
 * Callers hold the bot's lock.
 */
final class BotOperations {
  private static final Logger log = LoggerFactory.getLogger(BotOperations.class);

  private final Cluster cluster;
  private final BotManifests manifests;
  private final CodePackager packager;
  private final BotLifecycle lifecycle;
  private final String scope;

  BotOperations(Cluster cluster, BotManifests manifests, CodePackager packager, BotLifecycle lifecycle,
      String scope) {
    this.cluster = cluster;
    this.manifests = manifests;
    this.packager = packager;
    this.lifecycle = lifecycle;
    this.scope = scope;
  }

  BotStatus create(BotSpec spec) {
    BotManifests.validate(spec);
    if (cluster.deployment(spec.id()).isPresent()) {
      throw new BotAlreadyExistsException(spec.id(), scope);
    }
    CodePackager.Packed packed = packager.pack(spec);
    String name = KubeLabels.botName(scope, spec.id());
    KubeConnection k = cluster.connection();
    V1Deployment deployment;
    try {
      deployment = cluster.errors().call(KubeOp.of("create", "deployments", "creating bot '" + spec.id() + "'"),
          WorkloadKind.BOT, spec.id(), () -> k.apps().createNamespacedDeployment(cluster.namespace(),
              manifests.deployment(spec, packed, 0)).execute());
    } catch (RuntimeException e) {
      packed.storedKey().ifPresent(key -> packager.removeUploads(WorkloadKind.BOT, spec.id()));
      if (e instanceof BotAlreadyExistsException && cluster.deployment(spec.id()).isEmpty()) {
        throw new RuntimeOperationException("Cannot create bot '" + spec.id() + "': a Deployment named " + name
            + " exists in namespace '" + cluster.namespace() + "' that scope '" + scope + "' does not manage. "
            + "Give each scope its own namespace, or remove that Deployment.", e);
      }
      throw e;
    }
    try {
      V1ConfigMap map = manifests.configMap(spec, packed, name);
      BotManifests.ownedBy(map.getMetadata(), "apps/v1", "Deployment", deployment.getMetadata());
      cluster.errors().call(KubeOp.of("create", "configmaps", "creating the ConfigMap of bot '" + spec.id() + "'"),
          null, null, () -> k.core().createNamespacedConfigMap(cluster.namespace(), map).execute());
      V1Secret secret = manifests.secret(spec, packed, name, java.util.Map.of());
      BotManifests.ownedBy(secret.getMetadata(), "apps/v1", "Deployment", deployment.getMetadata());
      cluster.errors().call(KubeOp.of("create", "secrets", "creating the Secret of bot '" + spec.id() + "'"),
          null, null, () -> k.core().createNamespacedSecret(cluster.namespace(), secret).execute());
    } catch (RuntimeException e) {
      try {
        removeObjects(spec.id());
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    log.info("Created bot {} (Deployment {} in namespace {})", spec.id(), name, cluster.namespace());
    return BotStatus.builder(spec.id(), BotState.CREATED).runtimeId(name).labels(spec.labels()).build();
  }

  /** Stops the bot if it runs, then removes its Deployment, ConfigMap, Secret and uploaded code. */
  void delete(String id) {
    if (cluster.deployment(id).isPresent()) {
      lifecycle.stop(id, lifecycle.defaultGrace());
    }
    removeObjects(id);
    LogArchive.SHARED.remove(lifecycle.archiveKey(id));
    log.info("Deleted bot {}", id);
  }

  private void removeObjects(String id) {
    String name = KubeLabels.botName(scope, id);
    KubeConnection k = cluster.connection();
    if (cluster.deployment(id).isPresent()) {
      cluster.errors().callOrEmpty(KubeOp.of("delete", "deployments", "deleting bot '" + id + "'"),
          () -> k.apps().deleteNamespacedDeployment(name, cluster.namespace()).propagationPolicy("Background")
              .execute());
    }
    cluster.errors().callOrEmpty(KubeOp.of("get", "configmaps", "deleting the ConfigMap of bot '" + id + "'"),
        () -> k.core().readNamespacedConfigMap(name, cluster.namespace()).execute())
        .filter(map -> cluster.isOurs(map.getMetadata().getLabels(), KubeLabels.KIND_BOT, id))
        .ifPresent(map -> cluster.errors().callOrEmpty(KubeOp.of("delete", "configmaps", "deleting the ConfigMap "
            + "of bot '" + id + "'"), () -> k.core().deleteNamespacedConfigMap(name, cluster.namespace()).execute()));
    cluster.errors().callOrEmpty(KubeOp.of("get", "secrets", "deleting the Secret of bot '" + id + "'"),
        () -> k.core().readNamespacedSecret(name, cluster.namespace()).execute())
        .filter(secret -> cluster.isOurs(secret.getMetadata().getLabels(), KubeLabels.KIND_BOT, id))
        .ifPresent(secret -> cluster.errors().callOrEmpty(KubeOp.of("delete", "secrets", "deleting the Secret of "
            + "bot '" + id + "'"), () -> k.core().deleteNamespacedSecret(name, cluster.namespace()).execute()));
    packager.removeUploads(WorkloadKind.BOT, id);
  }

  /**
   * Applies the update to the spec kept in the ConfigMap, replaces ConfigMap and Secret, and merge-patches the
   * Deployment's pod template: a running bot's pod is recreated by the Deployment controller (strategy
   * Recreate), a stopped one stays stopped with the new template.
   */
  BotStatus update(String id, BotUpdate update) {
    V1Deployment deployment = cluster.deployment(id).orElseThrow(() -> new BotNotFoundException(id, scope));
    if (update.isEmpty()) {
      return lifecycle.status(id);
    }
    String name = KubeLabels.botName(scope, id);
    KubeConnection k = cluster.connection();
    V1ConfigMap current = cluster.errors().call(KubeOp.of("get", "configmaps", "reading the spec of bot '" + id + "'"),
        WorkloadKind.BOT, id, () -> k.core().readNamespacedConfigMap(name, cluster.namespace()).execute());
    String specText = Optional.ofNullable(current.getData()).map(d -> d.get(BotManifests.SPEC_KEY)).orElseThrow(() ->
        new RuntimeOperationException("Cannot update bot '" + id + "': its ConfigMap " + name + " has no "
            + BotManifests.SPEC_KEY + ". Delete and create the bot again."));
    V1Secret stored = cluster.errors().call(KubeOp.of("get", "secrets", "reading the Secret of bot '" + id + "'"),
        WorkloadKind.BOT, id, () -> k.core().readNamespacedSecret(name, cluster.namespace()).execute());
    BotSpec next = update.applyTo(BotManifests.spec(specText, Optional.ofNullable(stored.getData())
        .orElse(java.util.Map.of())));
    BotManifests.validate(next);
    CodePackager.Packed packed = packager.pack(next);
    boolean running = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(0) > 0;
    V1Deployment desired = manifests.deployment(next, packed, running ? 1 : 0);
    V1ConfigMap map = manifests.configMap(next, packed, name);
    BotManifests.ownedBy(map.getMetadata(), "apps/v1", "Deployment", deployment.getMetadata());
    cluster.errors().call(KubeOp.of("update", "configmaps", "updating the ConfigMap of bot '" + id + "'"),
        WorkloadKind.BOT, id, () -> k.core().replaceNamespacedConfigMap(name, cluster.namespace(), map).execute());
    V1Secret secret = manifests.secret(next, packed, name, java.util.Map.of());
    BotManifests.ownedBy(secret.getMetadata(), "apps/v1", "Deployment", deployment.getMetadata());
    cluster.errors().call(KubeOp.of("update", "secrets", "updating the Secret of bot '" + id + "'"),
        WorkloadKind.BOT, id, () -> k.core().replaceNamespacedSecret(name, cluster.namespace(), secret).execute());
    JsonObject patch = new JsonObject();
    Cluster.at(patch, "metadata", "annotations").addProperty(KubeLabels.RESTART_POLICY,
        BotManifests.restartPolicy(next.restartPolicy()));
    Cluster.at(patch, "metadata", "annotations").add(KubeLabels.LAST_EXIT, JsonNull.INSTANCE);
    String updatedAt = java.time.Instant.now().toString();
    JsonObject template = cluster.json(desired.getSpec().getTemplate()).getAsJsonObject();
    Cluster.at(template, "metadata", "annotations").addProperty(KubeLabels.UPDATED_AT, updatedAt);
    Cluster.at(patch, "spec").add("template", template);
    cluster.patchDeployment(id, patch, "updating bot '" + id + "'");
    log.info("Updated bot {}{}", id, running ? "; its pod is recreated with the new template" : "");
    if (running) {
      lifecycle.awaitPod(id, pod -> pod.getMetadata().getAnnotations() != null
          && updatedAt.equals(pod.getMetadata().getAnnotations().get(KubeLabels.UPDATED_AT)));
    }
    return lifecycle.status(id);
  }

}
