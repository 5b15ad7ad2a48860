package dev.berth.runtime.kubernetes.sim;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code GET /api/v1/namespaces/{ns}/pods/{name}/log}: the container's log as the kubelet keeps it, with the
 * query parameters a real API server honours ({@code container}, {@code previous}, {@code tailLines},
 * {@code sinceSeconds}, {@code sinceTime}, {@code timestamps}, {@code limitBytes}). A following request is
 * streamed by {@link ApiFront}; one that reaches the in-process server directly gets what was logged so far.
 */
final class LogEndpoint {
  /** Where the logs of pods' containers come from: the kubelet, or nothing when none runs. */
  interface ContainerLogs {
    /** The engine's id of the pod's container (or of its previous instance); empty when it never started. */
    Optional<String> containerId(String podUid, String container, boolean previous);

    /**
     * The lines the container logged from the {@code from}th on (0 for all), each starting with its RFC 3339
     * timestamp and a space; all of them once it has stopped.
     */
    List<String> timestampedLines(String containerId, int from);

    /** As {@link #timestampedLines}, without waiting for the last lines of a stopped container: for a follow. */
    List<String> linesSoFar(String containerId, int from);

    /** Whether the container is still running, so that a following reader should wait for more. */
    boolean running(String containerId);
  }

  /** The container a log request reads, or the error answer when there is none to read. */
  record Target(String containerId, MockResponse error) {}

  static final ContainerLogs NONE = new ContainerLogs() {
    @Override
    public Optional<String> containerId(String podUid, String container, boolean previous) {
      return Optional.empty();
    }

    @Override
    public List<String> timestampedLines(String containerId, int from) {
      return List.of();
    }

    @Override
    public List<String> linesSoFar(String containerId, int from) {
      return List.of();
    }

    @Override
    public boolean running(String containerId) {
      return false;
    }
  };

  private final SimDispatcher server;
  private final ContainerLogs source;

  LogEndpoint(SimDispatcher server, ContainerLogs source) {
    this.server = server;
    this.source = source;
  }

  ContainerLogs source() {
    return source;
  }

  MockResponse serve(String namespace, String podName, Map<String, String> query) {
    Target target = target(namespace, podName, query);
    if (target.error() != null) {
      return target.error();
    }
    String body = render(source.timestampedLines(target.containerId(), 0), query);
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody(body);
  }

  Target target(String namespace, String podName, Map<String, String> query) {
    String podJson = server.readPod(namespace, podName);
    if (podJson == null) {
      return failure(SimDispatcher.status(404, "NotFound", "pods \"" + podName + "\" not found"));
    }
    V1Pod pod = JSON.deserialize(podJson, V1Pod.class);
    List<String> names = Stream.concat(containers(pod.getSpec().getInitContainers()),
        containers(pod.getSpec().getContainers())).collect(Collectors.toList());
    String container = query.get("container");
    if (container == null || container.isEmpty()) {
      List<String> main = containers(pod.getSpec().getContainers()).collect(Collectors.toList());
      if (main.size() != 1) {
        return failure(SimDispatcher.status(400, "BadRequest", "a container name must be specified for pod "
            + podName + ", choose one of: " + main));
      }
      container = main.get(0);
    }
    if (!names.contains(container)) {
      return failure(SimDispatcher.status(404, "NotFound", "container " + container + " is not valid for pod "
          + podName));
    }
    boolean previous = "true".equals(query.get("previous"));
    Optional<String> id = source.containerId(pod.getMetadata().getUid(), container, previous);
    if (id.isEmpty()) {
      String message = previous
          ? "previous terminated container \"" + container + "\" in pod \"" + podName + "\" not found"
          : "container \"" + container + "\" in pod \"" + podName + "\" is waiting to start: ContainerCreating";
      return failure(SimDispatcher.status(400, "BadRequest", message));
    }
    return new Target(id.get(), null);
  }

  private static Target failure(MockResponse response) {
    return new Target(null, response);
  }

  static String render(List<String> timestamped, Map<String, String> query) {
    Instant since = since(query);
    List<String> kept = new ArrayList<>();
    for (String line : timestamped) {
      if (since == null || !timestamp(line).isBefore(since)) {
        kept.add(line);
      }
    }
    String tail = query.get("tailLines");
    if (tail != null && tail.matches("\\d+")) {
      int n = Integer.parseInt(tail);
      kept = kept.subList(Math.max(0, kept.size() - n), kept.size());
    }
    boolean timestamps = "true".equals(query.get("timestamps"));
    StringBuilder out = new StringBuilder();
    for (String line : kept) {
      out.append(timestamps ? line : line.substring(line.indexOf(' ') + 1)).append('\n');
    }
    String limit = query.get("limitBytes");
    if (limit != null && limit.matches("\\d+") && out.length() > Integer.parseInt(limit)) {
      out.setLength(Integer.parseInt(limit));
    }
    return out.toString();
  }

  private static Instant since(Map<String, String> query) {
    String seconds = query.get("sinceSeconds");
    if (seconds != null && seconds.matches("\\d+")) {
      return Instant.now().minusSeconds(Long.parseLong(seconds));
    }
    String time = query.get("sinceTime");
    return time == null || time.isEmpty() ? null : OffsetDateTime.parse(time).toInstant();
  }

  private static Instant timestamp(String line) {
    int space = line.indexOf(' ');
    return OffsetDateTime.parse(space < 0 ? line : line.substring(0, space)).toInstant();
  }

  private static Stream<String> containers(List<V1Container> containers) {
    return containers == null ? Stream.empty() : containers.stream().map(V1Container::getName);
  }
}
