package dev.berth.runtime.kubernetes;

import dev.berth.runtime.StatsManager;
import io.kubernetes.client.custom.ContainerMetrics;
import io.kubernetes.client.custom.PodMetrics;
import io.kubernetes.client.custom.PodMetricsList;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.ApisApi;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot's usage from the resource metrics API ({@code metrics.k8s.io}, served by metrics-server or an adapter):
 * the CPU in use (cores) and the working-set memory of the bot's container, averaged over the metrics server's
 * window, and the memory limit from the pod's spec. That API measures no CPU time, network traffic or processes:
 * {@code cpuTime} is zero and those values are empty. A running pod the metrics server has not scraped yet (it
 * does so every 15-60 s) and a stopped bot have empty usage.
 *
 * <p>Offered by {@link KubernetesRuntime#feature} only while the API server lists the {@code metrics.k8s.io}
 * group. The account needs the verb {@code get} on {@code pods} of the API group {@code metrics.k8s.io}.
 */
final class KubernetesStatsManager implements StatsManager {
  static final String GROUP = "metrics.k8s.io";
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesStatsManager.class);
  /** How long an answer "no metrics API" is believed before the server is asked again. */
  private static final Duration RECHECK = Duration.ofMinutes(1);

  private final KubeConnection connection;
  private final Cluster cluster;
  private final BotLifecycle lifecycle;
  private final Consumer<String> requireOpen;
  private final GenericKubernetesApi<PodMetrics, PodMetricsList> metrics;
  private volatile boolean served;
  private volatile Instant checked = Instant.MIN;

  /**
   * @param requireOpen the runtime's check of a call: throws {@link dev.berth.runtime.RuntimeClosedException}
   *     once it is closed, and {@link dev.berth.runtime.InvalidSpecException} for a malformed id
   */
  KubernetesStatsManager(Cluster cluster, BotLifecycle lifecycle, Consumer<String> requireOpen) {
    this.connection = cluster.connection();
    this.cluster = cluster;
    this.lifecycle = lifecycle;
    this.requireOpen = requireOpen;
    this.metrics = new GenericKubernetesApi<>(PodMetrics.class, PodMetricsList.class, GROUP, "v1beta1", "pods",
        connection.client());
  }

  /**
   * Whether the API server lists the metrics API: asked once, and again a minute after a "no"; a failing
   * discovery (unreachable, forbidden) counts as "no".
   */
  boolean served() {
    if (served) {
      return true;
    }
    Instant now = Instant.now();
    if (Duration.between(checked, now).compareTo(RECHECK) < 0) {
      return false;
    }
    checked = now;
    try {
      var groups = new ApisApi(connection.client()).getAPIVersions().execute().getGroups();
      served = groups != null && groups.stream().anyMatch(g -> GROUP.equals(g.getName()));
      if (!served) {
        LOG.debug("Kubernetes at {} serves no {}: no StatsManager", connection.url(), GROUP);
      }
    } catch (ApiException | RuntimeException e) {
      LOG.debug("Asking Kubernetes at {} for its API groups failed: {}", connection.url(), e.toString());
    }
    return served;
  }

  @Override
  public BotStats stats(String botId) {
    requireOpen.accept(botId);
    var deployment = lifecycle.require(botId);
    Optional<V1Pod> pod = StatusMapper.newest(cluster.pods(KubeLabels.KIND_BOT, botId).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList());
    Optional<V1Container> spec = pod.map(p -> p.getSpec().getContainers()).or(() -> Optional.of(
        deployment.getSpec().getTemplate().getSpec().getContainers())).flatMap(containers -> containers.stream()
        .filter(c -> BotManifests.CONTAINER.equals(c.getName())).findFirst());
    OptionalLong limit = spec.map(V1Container::getResources).map(r -> r.getLimits()).map(l -> l.get("memory"))
        .map(q -> OptionalLong.of(q.getNumber().longValue())).orElse(OptionalLong.empty());
    Optional<PodMetrics> measured = pod.flatMap(p -> read(botId, p.getMetadata().getName()));
    Map<String, Quantity> usage = measured.map(PodMetrics::getContainers).flatMap(containers -> containers.stream()
        .filter(c -> BotManifests.CONTAINER.equals(c.getName())).findFirst()).map(ContainerMetrics::getUsage)
        .orElse(Map.of());
    OptionalDouble cores = usage.containsKey("cpu") ? OptionalDouble.of(usage.get("cpu").getNumber().doubleValue())
        : OptionalDouble.empty();
    OptionalLong memory = usage.containsKey("memory") ? OptionalLong.of(usage.get("memory").getNumber().longValue())
        : OptionalLong.empty();
    return new BotStats(botId, measured.map(KubernetesStatsManager::timestamp).orElseGet(Instant::now),
        Duration.ZERO, memory, limit, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), cores);
  }

  /** The pod's metrics; empty while the metrics server has none for it (404). */
  private Optional<PodMetrics> read(String botId, String podName) {
    return connection.errors().callOrEmpty(KubeOp.of("get", "pods." + GROUP, "reading the usage of bot '" + botId
        + "'"), () -> {
          KubernetesApiResponse<PodMetrics> response = metrics.get(connection.namespace(), podName);
          return response.throwsApiException().getObject();
        });
  }

  /** When the metrics were taken, as the server says; now when it does not say it readably. */
  private static Instant timestamp(PodMetrics metrics) {
    try {
      return metrics.getTimestamp() == null ? Instant.now() : Instant.parse(metrics.getTimestamp());
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }
}
