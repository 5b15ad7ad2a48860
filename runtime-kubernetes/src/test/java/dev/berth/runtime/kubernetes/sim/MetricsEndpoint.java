package dev.berth.runtime.kubernetes.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.mockwebserver.http.MockResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What metrics-server serves for one pod ({@code GET /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods/NAME}): a
 * {@code PodMetrics} with each running container's CPU in nanocores and memory in KiB, from the engine's stats
 * of the container. A pod that does not exist, or none of whose containers runs, is 404, as before
 * metrics-server's first scrape of it.
 */
final class MetricsEndpoint {
  static final Pattern POD_METRICS =
      Pattern.compile("/apis/metrics\\.k8s\\.io/v1beta1/namespaces/([^/]+)/pods/([^/?]+)");

  /** A running container's usage: CPU in nanocores, memory in bytes. */
  record Usage(long nanoCores, long memoryBytes) {}

  /** The usage of each running container of a pod, by container name. */
  interface Source {
    Map<String, Usage> usage(String podUid);
  }

  private final SimDispatcher dispatcher;
  private final Source source;

  MetricsEndpoint(SimDispatcher dispatcher, Source source) {
    this.dispatcher = dispatcher;
    this.source = source;
  }

  MockResponse serve(String namespace, String podName) {
    String pod = dispatcher.readPod(namespace, podName);
    Map<String, Usage> usage = Optional.ofNullable(pod).map(p -> JsonParser.parseString(p).getAsJsonObject()
        .getAsJsonObject("metadata").get("uid").getAsString()).map(source::usage).orElse(Map.of());
    if (usage.isEmpty()) {
      return SimDispatcher.status(404, "NotFound", "podmetrics.metrics.k8s.io \"" + namespace + "/" + podName
          + "\" not found");
    }
    JsonArray containers = new JsonArray();
    usage.forEach((name, u) -> {
      JsonObject values = new JsonObject();
      values.addProperty("cpu", u.nanoCores() + "n");
      values.addProperty("memory", (u.memoryBytes() / 1024) + "Ki");
      JsonObject container = new JsonObject();
      container.addProperty("name", name);
      container.add("usage", values);
      containers.add(container);
    });
    JsonObject metadata = new JsonObject();
    metadata.addProperty("name", podName);
    metadata.addProperty("namespace", namespace);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    metadata.addProperty("creationTimestamp", now.toString());
    JsonObject metrics = new JsonObject();
    metrics.addProperty("kind", "PodMetrics");
    metrics.addProperty("apiVersion", "metrics.k8s.io/v1beta1");
    metrics.add("metadata", metadata);
    metrics.addProperty("timestamp", now.toString());
    metrics.addProperty("window", "1s");
    metrics.add("containers", containers);
    return SimDispatcher.json(200, metrics.toString());
  }

  static Matcher match(String path) {
    return POD_METRICS.matcher(path);
  }
}
