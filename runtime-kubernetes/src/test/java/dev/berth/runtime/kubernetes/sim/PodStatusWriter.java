package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes a pod's status as the kubelet sees it (phase, conditions, IPs, init and main container statuses) with a
 * JSON merge patch on the {@code status} subresource, only when it changed.
 */
final class PodStatusWriter {
  private final SimApi api;
  private final V1Pod pod;
  private final List<ContainerRun> inits;
  private final List<ContainerRun> mains;
  private final OffsetDateTime startTime = OffsetDateTime.now(ZoneOffset.UTC);
  private String written;

  PodStatusWriter(SimApi api, V1Pod pod, List<ContainerRun> inits, List<ContainerRun> mains) {
    this.api = api;
    this.pod = pod;
    this.inits = inits;
    this.mains = mains;
  }

  void write(String phase, boolean initialized) throws ApiException {
    boolean ready = "Running".equals(phase) && mains.stream().allMatch(ContainerRun::running);
    V1PodStatus status = new V1PodStatus().phase(phase).hostIP(Kubelet.POD_IP).podIP(Kubelet.POD_IP)
        .podIPs(List.of(new V1PodIP().ip(Kubelet.POD_IP))).startTime(startTime)
        .conditions(List.of(condition("PodScheduled", true), condition("Initialized", initialized),
            condition("ContainersReady", ready), condition("Ready", ready)))
        .initContainerStatuses(inits.isEmpty() ? null
            : inits.stream().map(ContainerRun::status).collect(Collectors.toList()))
        .containerStatuses(mains.stream().map(ContainerRun::status).collect(Collectors.toList()));
    if ("Failed".equals(phase) && mains.stream().anyMatch(m -> m.lost)) {
      status.reason("ContainerStatusUnknown").message("a container of the pod could not be located");
    }
    String json = api.json(status);
    if (json.equals(written)) {
      return;
    }
    try {
      api.patchStatus(V1Pod.class, status, patch -> api.core.patchNamespacedPodStatus(pod.getMetadata().getName(),
          api.namespace, patch).buildCall(null));
      written = json;
    } catch (ApiException e) {
      if (!SimApi.notFound(e)) {
        throw e;
      }
    }
  }

  private V1PodCondition condition(String type, boolean value) {
    return new V1PodCondition().type(type).status(value ? "True" : "False")
        .lastTransitionTime(Objects.requireNonNull(startTime));
  }
}
