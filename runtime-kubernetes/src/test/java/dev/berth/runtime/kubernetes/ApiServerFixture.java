package dev.berth.runtime.kubernetes;

import dev.berth.runtime.kubernetes.sim.SimulatedCluster;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.util.ClientBuilder;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * The in-process CRUD API server (fabric8's mock, no controllers) for unit tests of the runtime, with the pod a
 * Deployment controller and kubelet would make played by {@link #runningPod}, and requests counted.
 */
final class ApiServerFixture implements AutoCloseable {
  /** The in-process server logs every request at INFO through java.util.logging: kept to warnings. */
  private static final java.util.logging.Logger SERVER_LOG = SimulatedCluster.quietServerLog();
  static final String NAMESPACE = "berth-test";

  private final KubernetesMockServer server;
  private final ApiClient client;
  private final List<RecordedRequest> requests = new ArrayList<>();

  private ApiServerFixture() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = new ClientBuilder().setBasePath(url()).build();
  }

  static ApiServerFixture start() {
    return new ApiServerFixture();
  }

  String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  KubernetesMockServer server() {
    return server;
  }

  ApiClient client() {
    return client;
  }

  CoreV1Api core() {
    return new CoreV1Api(client);
  }

  /** A runtime of {@code scope} on this server: short polls and start timeout, no object store. */
  KubernetesBuilder<KubernetesRuntime> runtimeBuilder(String scope) {
    return KubernetesRuntime.builder().apiUrl(url()).namespace(NAMESPACE).scope(scope).noObjectStore()
        .environment(Map.of()).config(dev.berth.runtime.RuntimeConfig.of(Map.of(
            KubernetesSettings.POLL_INTERVAL, "20ms", KubernetesSettings.START_TIMEOUT, "3s")));
  }

  /** Plays controller and kubelet: a pod of the bot whose main container runs, with an IP. */
  V1Pod runningPod(String scope, String botId, String ip) throws ApiException {
    V1Pod pod = pod(scope, botId).status(new V1PodStatus().phase("Running").podIP(ip).addContainerStatusesItem(
        new V1ContainerStatus().name("bot").restartCount(0).ready(true).image("busybox").imageID("x")
            .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now())))));
    return core().createNamespacedPod(NAMESPACE, pod).execute();
  }

  /** A pod of the bot without a status, as one that waits to be scheduled. */
  V1Pod pod(String scope, String botId) {
    Map<String, String> labels = new HashMap<>(KubeLabels.selector(scope, KubeLabels.KIND_BOT, botId));
    return new V1Pod().apiVersion("v1").kind("Pod").metadata(new V1ObjectMeta()
            .name(KubeLabels.botName(scope, botId) + "-" + Long.toHexString(System.nanoTime())).namespace(NAMESPACE)
            .labels(labels).creationTimestamp(now()))
        .spec(new V1PodSpec().addContainersItem(new V1Container().name("bot").image("busybox")));
  }

  static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  /** How many requests with this method and a path starting with {@code pathPrefix} arrived since the last reset. */
  int requestCount(String method, String pathPrefix) throws InterruptedException {
    drain();
    return (int) requests.stream().filter(r -> r.getMethod().equalsIgnoreCase(method)
        && r.getPath().startsWith(pathPrefix)).count();
  }

  void resetRequestCounts() throws InterruptedException {
    drain();
    requests.clear();
  }

  private void drain() throws InterruptedException {
    for (RecordedRequest r = server.takeRequest(1, TimeUnit.MILLISECONDS); r != null;
        r = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
      requests.add(r);
    }
  }

  @Override
  public void close() {
    server.destroy();
  }
}
