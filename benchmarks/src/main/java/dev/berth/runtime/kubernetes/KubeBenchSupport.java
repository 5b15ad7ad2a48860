package dev.berth.runtime.kubernetes;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;

/**
 * What the Kubernetes benchmark needs of the backend's package-private naming: the label selectors and object
 * names Berth uses, and a running pod of a bot as its Deployment controller and kubelet would write it.
 */
public final class KubeBenchSupport {
  private KubeBenchSupport() {}

  /** The label selector of every bot of {@code scope}. */
  public static String fleetSelector(String scope) {
    return KubeLabels.selectorText(KubeLabels.scopeSelector(scope, KubeLabels.KIND_BOT));
  }

  /** The label selector of one bot's pods. */
  public static String botSelector(String scope, String id) {
    return KubeLabels.selectorText(KubeLabels.selector(scope, KubeLabels.KIND_BOT, id));
  }

  /** The name of a bot's Deployment. */
  public static String deploymentName(String scope, String id) {
    return KubeLabels.botName(scope, id);
  }

  /** A pod of the bot whose main container runs. */
  public static V1Pod runningPod(String namespace, String scope, String id) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return new V1Pod().apiVersion("v1").kind("Pod")
        .metadata(new V1ObjectMeta().name(KubeLabels.botName(scope, id) + "-0").namespace(namespace)
            .labels(new HashMap<>(KubeLabels.selector(scope, KubeLabels.KIND_BOT, id))).creationTimestamp(now))
        .spec(new V1PodSpec().addContainersItem(new V1Container().name(BotManifests.CONTAINER).image("busybox:1.36")))
        .status(new V1PodStatus().phase("Running").podIP("10.0.0.1").addContainerStatusesItem(
            new V1ContainerStatus().name(BotManifests.CONTAINER).restartCount(0).ready(true).image("busybox:1.36")
                .imageID("x").state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now)))));
  }
}
