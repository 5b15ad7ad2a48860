package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import java.util.Map;

/** Objects the simulation's tests create with the raw client, shaped like the ones a backend writes. */
final class Manifests {
  static final String IMAGE = System.getenv().getOrDefault("BERTH_TEST_IMAGE", "local/busybox:1");

  private Manifests() {}

  static V1Container shell(String name, String script) {
    return new V1Container().name(name).image(IMAGE).command(List.of("sh", "-c", script));
  }

  static V1Deployment deployment(String name, V1PodSpec pod) {
    Map<String, String> labels = Map.of("berth.managed", "true", "berth.id", name);
    return new V1Deployment().apiVersion("apps/v1").kind("Deployment")
        .metadata(new V1ObjectMeta().name(name).labels(labels))
        .spec(new V1DeploymentSpec().replicas(1).selector(new V1LabelSelector().matchLabels(labels))
            .template(new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(labels)).spec(pod)));
  }

  static V1Job job(String name, V1PodSpec pod) {
    Map<String, String> labels = Map.of("berth.managed", "true", "berth.id", name);
    return new V1Job().apiVersion("batch/v1").kind("Job").metadata(new V1ObjectMeta().name(name).labels(labels))
        .spec(new V1JobSpec().backoffLimit(0)
            .template(new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(labels))
                .spec(pod.restartPolicy("Never"))));
  }

  static V1PodSpec pod(V1Container... containers) {
    return new V1PodSpec().containers(List.of(containers));
  }

  static V1Deployment create(SimulatedCluster cluster, V1Deployment deployment) throws ApiException {
    return new AppsV1Api(cluster.client()).createNamespacedDeployment(cluster.namespace(), deployment).execute();
  }

  static V1Job create(SimulatedCluster cluster, V1Job job) throws ApiException {
    return new BatchV1Api(cluster.client()).createNamespacedJob(cluster.namespace(), job).execute();
  }

  static V1Deployment patchDeployment(SimulatedCluster cluster, String name, String mergePatch) throws ApiException {
    ApiClient client = cluster.client();
    AppsV1Api apps = new AppsV1Api(client);
    return PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment(name, cluster.namespace(),
        new V1Patch(mergePatch)).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
  }

  static V1Deployment deployment(SimulatedCluster cluster, String name) throws ApiException {
    return new AppsV1Api(cluster.client()).readNamespacedDeployment(name, cluster.namespace()).execute();
  }

  static V1Job job(SimulatedCluster cluster, String name) throws ApiException {
    return new BatchV1Api(cluster.client()).readNamespacedJob(name, cluster.namespace()).execute();
  }

  static List<V1Pod> pods(SimulatedCluster cluster, String labelSelector) throws ApiException {
    return new CoreV1Api(cluster.client()).listNamespacedPod(cluster.namespace()).labelSelector(labelSelector)
        .execute().getItems();
  }

  static String log(SimulatedCluster cluster, String pod, Map<String, String> query) throws ApiException {
    CoreV1Api.APIreadNamespacedPodLogRequest request = new CoreV1Api(cluster.client())
        .readNamespacedPodLog(pod, cluster.namespace());
    if (query.containsKey("tailLines")) {
      request.tailLines(Integer.valueOf(query.get("tailLines")));
    }
    if (query.containsKey("timestamps")) {
      request.timestamps(Boolean.valueOf(query.get("timestamps")));
    }
    if (query.containsKey("container")) {
      request.container(query.get("container"));
    }
    if (query.containsKey("previous")) {
      request.previous(Boolean.valueOf(query.get("previous")));
    }
    return request.execute();
  }
}
