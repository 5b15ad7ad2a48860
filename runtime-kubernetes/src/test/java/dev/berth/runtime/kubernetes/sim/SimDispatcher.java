package dev.berth.runtime.kubernetes.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The in-process API server's dispatcher: counts the requests of the code under test, answers {@code /version},
 * the group discovery ({@code /apis}: apps and batch, and {@code metrics.k8s.io} while a metrics server is
 * simulated; without one its paths are 404, as on a cluster without metrics-server), the pod metrics, the pod log
 * endpoint itself, applies JSON merge patches, deletes pods
 * gracefully and hands everything else to the CRUD dispatcher.
 *
 * <p>When a kubelet runs the pods, a pod deletion with a grace period (the one it names, else the pod's
 * {@code terminationGracePeriodSeconds}) only marks the pod, as a real API server does: {@code deletionTimestamp}
 * and {@code deletionGracePeriodSeconds} are set and the pod stays, Terminating, until the kubelet has stopped its
 * containers and deletes it with a grace of 0. A second deletion may shorten the grace, never lengthen it. (The
 * in-process server removes an object whose {@code deletionTimestamp} is set by an update unless it has a
 * finalizer, so a Terminating pod carries {@value #TERMINATING_FINALIZER} until it is removed.)
 */
final class SimDispatcher extends Dispatcher {
  private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)");
  static final Pattern POD_LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log");
  static final String TERMINATING_FINALIZER = "sim.berth.dev/terminating";
  private static final Pattern GRACE_IN_BODY = Pattern.compile("\"gracePeriodSeconds\"\\s*:\\s*(\\d+)");
  private static final String VERSION = "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\","
      + "\"gitCommit\":\"simulated\",\"gitTreeState\":\"clean\",\"buildDate\":\"2024-08-13T07:28:49Z\","
      + "\"goVersion\":\"go1.22.5\",\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}";

  private static final String GROUPS = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":["
      + group("apps") + "," + group("batch") + "]}";

  private static final String GROUPS_WITH_METRICS = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":["
      + group("apps") + "," + group("batch") + "," + group("metrics.k8s.io", "v1beta1") + "]}";

  private final KubernetesMixedDispatcher crud;
  private final Queue<String> requests = new ConcurrentLinkedQueue<>();
  private final Map<String, Long> deletionGrace = new ConcurrentHashMap<>();
  private final Map<String, Instant> deletionDeadlines = new ConcurrentHashMap<>();
  private volatile LogEndpoint logs;
  private volatile MetricsEndpoint metrics;
  private volatile boolean node;

  SimDispatcher(KubernetesMixedDispatcher crud) {
    this.crud = crud;
  }

  /**
   * Says a kubelet runs the pods: from now on pod deletions are graceful. Without one a pod is removed at once,
   * as a real API server removes a pod no node has taken.
   */
  void nodeRuns() {
    node = true;
  }

  /** Serves the resource metrics API from {@code endpoint}, or (with {@code null}) answers 404 for it. */
  void serveMetrics(MetricsEndpoint endpoint) {
    this.metrics = endpoint;
  }

  void serveLogs(LogEndpoint endpoint) {
    this.logs = endpoint;
  }

  LogEndpoint logs() {
    return logs;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    record(request.getMethod(), path, request.getHeader("User-Agent"));
    if ("GET".equals(request.getMethod()) && ("/version".equals(plain) || "/version/".equals(plain))) {
      return json(200, VERSION);
    }
    MetricsEndpoint metricsServer = metrics;
    if (plain.startsWith("/apis/metrics.k8s.io")) {
      Matcher pod = MetricsEndpoint.match(plain);
      if (metricsServer != null && "GET".equals(request.getMethod()) && pod.matches()) {
        return metricsServer.serve(pod.group(1), pod.group(2));
      }
      return status(404, "NotFound", "the server could not find the requested resource");
    }
    if ("GET".equals(request.getMethod()) && ("/apis".equals(plain) || "/apis/".equals(plain))) {
      return json(200, metricsServer == null ? GROUPS : GROUPS_WITH_METRICS);
    }
    Matcher log = POD_LOG.matcher(plain);
    if ("GET".equals(request.getMethod()) && log.matches()) {
      LogEndpoint endpoint = logs;
      return endpoint.serve(log.group(1), log.group(2), query(path));
    }
    Matcher pod = POD.matcher(plain);
    if ("DELETE".equals(request.getMethod()) && pod.matches()) {
      Long grace = grace(query(path).get("gracePeriodSeconds"), request.getUtf8Body());
      synchronized (this) {
        if (node && (grace == null || grace > 0)) {
          return markTerminating(plain, pod.group(2), grace);
        }
        deletionGrace.put(pod.group(2), grace == null ? 0 : grace);
        return removeNow(plain);
      }
    }
    if (MergePatch.applies(request)) {
      synchronized (this) {
        return MergePatch.apply(crud, request, plain);
      }
    }
    return crud.dispatch(request);
  }

  /** The pod as the API server holds it, as JSON, or {@code null} when there is no such pod. */
  String readPod(String namespace, String name) {
    MockResponse response = stored("/api/v1/namespaces/" + namespace + "/pods/" + name);
    return response.code() == 200 ? response.getBody().readUtf8() : null;
  }

  /** The object at {@code path} as the CRUD dispatcher holds it (200), or its 404. */
  private MockResponse stored(String path) {
    return crud.dispatch(MergePatch.request(HttpMethod.GET, path, null));
  }

  /** The grace period (0) an immediate deletion of this pod named, if one did; forgotten once read. */
  Long takeDeletionGrace(String podName) {
    return deletionGrace.remove(podName);
  }

  /** Counts a request unless the simulation itself sent it. */
  void record(String method, String path, String userAgent) {
    if (!SimApi.USER_AGENT.equals(userAgent)) {
      requests.add(method + " " + path);
    }
  }

  int count(String method, String pathPrefix) {
    String prefix = method + " " + pathPrefix;
    return (int) requests.stream().filter(r -> r.startsWith(prefix)).count();
  }

  int count(String method, String pathPrefix, String part) {
    String prefix = method + " " + pathPrefix;
    return (int) requests.stream().filter(r -> r.startsWith(prefix) && r.contains(part)).count();
  }

  void resetCounts() {
    requests.clear();
  }

  /**
   * When the kubelet must have stopped the containers of a pod being deleted gracefully (the earliest any
   * deletion of it asked for), or {@code null} when no graceful deletion of it is under way.
   */
  Instant deletionDeadline(String podName) {
    return deletionDeadlines.get(podName);
  }

  /** Forgets the deadline of a pod the kubelet has deleted for good. */
  void forgetDeletion(String podName) {
    deletionDeadlines.remove(podName);
  }

  /**
   * Marks a pod Terminating: sets {@code deletionTimestamp} and {@code deletionGracePeriodSeconds}, keeping the
   * earlier deadline when it already is. Answers with the pod, as a graceful deletion does, or 404.
   */
  private MockResponse markTerminating(String path, String podName, Long asked) {
    MockResponse current = stored(path);
    if (current.code() != 200) {
      return current;
    }
    JsonObject pod = JsonParser.parseString(current.getBody().readUtf8()).getAsJsonObject();
    long grace = asked != null ? asked : defaultGrace(pod);
    Instant deadline = Instant.now().plusSeconds(grace);
    Instant earlier = deletionDeadlines.merge(podName, deadline, (a, b) -> a.isBefore(b) ? a : b);
    if (earlier.isBefore(deadline)) {
      return json(200, pod.toString());
    }
    JsonObject metadata = new JsonObject();
    JsonArray finalizers = new JsonArray();
    finalizers.add(TERMINATING_FINALIZER);
    metadata.add("finalizers", finalizers);
    metadata.addProperty("deletionTimestamp", deadline.truncatedTo(ChronoUnit.SECONDS).toString());
    metadata.addProperty("deletionGracePeriodSeconds", grace);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    return MergePatch.apply(crud, path, patch);
  }

  /** Removes a pod at once (a deletion with a grace of 0), a Terminating one by dropping its finalizer. */
  private MockResponse removeNow(String path) {
    MockResponse current = stored(path);
    if (current.code() != 200) {
      return current;
    }
    String stored = current.getBody().readUtf8();
    if (!stored.contains(TERMINATING_FINALIZER)) {
      return crud.dispatch(MergePatch.request(HttpMethod.DELETE, path, null));
    }
    JsonObject metadata = new JsonObject();
    metadata.add("finalizers", JsonNull.INSTANCE);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    MergePatch.apply(crud, path, patch);
    return json(200, stored);
  }

  private static long defaultGrace(JsonObject pod) {
    JsonObject spec = pod.has("spec") ? pod.getAsJsonObject("spec") : new JsonObject();
    return spec.has("terminationGracePeriodSeconds") ? spec.get("terminationGracePeriodSeconds").getAsLong() : 30;
  }

  /** The grace period a deletion names in its query or its {@code DeleteOptions} body, if any. */
  private static Long grace(String fromQuery, String body) {
    String seconds = fromQuery;
    if (seconds == null && body != null) {
      Matcher m = GRACE_IN_BODY.matcher(body);
      seconds = m.find() ? m.group(1) : null;
    }
    return seconds != null && seconds.matches("\\d+") ? Long.parseLong(seconds) : null;
  }

  private static String group(String name) {
    return group(name, "v1");
  }

  private static String group(String name, String versionName) {
    String version = "{\"groupVersion\":\"" + name + "/" + versionName + "\",\"version\":\"" + versionName + "\"}";
    return "{\"name\":\"" + name + "\",\"versions\":[" + version + "],\"preferredVersion\":" + version + "}";
  }

  static Map<String, String> query(String path) {
    Map<String, String> query = new HashMap<>();
    String raw = URI.create(path).getRawQuery();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }

  /** A Kubernetes {@code Status} failure body, as a real API server sends with 4xx answers. */
  static MockResponse status(int code, String reason, String message) {
    String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
    return json(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"" + escaped + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
  }

  static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
  }
}
