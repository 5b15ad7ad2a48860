package dev.berth.runtime.kubernetes;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import okhttp3.Call;
import okhttp3.Response;

/**
 * Reads the pod log endpoint with timestamps. The API server merges stdout and stderr; the {@link StreamTags}
 * wrapper marks stderr lines, so each line gets its stream back. Follows run on the caller's thread and are
 * tracked so {@link #close()} ends them.
 */
final class PodLogs implements AutoCloseable {
  private final KubeConnection connection;
  private final java.time.Duration pollInterval;
  private final Set<LogFollow> follows = ConcurrentHashMap.newKeySet();

  PodLogs(KubeConnection connection, java.time.Duration pollInterval) {
    this.connection = connection;
    this.pollInterval = pollInterval;
  }

  /**
   * One instance of a pod's container, as its status shows it: the kubelet's container id (empty before it
   * started), whether it runs, and the container's restarts so far. A restart makes a new instance.
   */
  record Instance(String id, boolean running, int restarts) {
    /** The instance of {@code pod}'s main container, if the pod has a status for it. */
    static Optional<Instance> of(V1Pod pod) {
      return StatusMapper.mainContainer(pod).map(c -> new Instance(Optional.ofNullable(c.getContainerID()).orElse(""),
          c.getState() != null && c.getState().getRunning() != null, Optional.ofNullable(c.getRestartCount())
              .orElse(0)));
    }

    /** The instance of the main container of the pod named {@code podName} among {@code pods}. */
    static Optional<Instance> of(List<V1Pod> pods, String podName) {
      return pods.stream().filter(p -> podName.equals(p.getMetadata().getName())).findFirst().flatMap(Instance::of);
    }
  }

  /**
   * The log of {@code container} in {@code pod}; a follow reconnects while the instance it follows runs, as
   * {@code instance} reads it (empty: the pod is gone or the follow must end).
   *
   * @param what for messages, e.g. {@code bot 'b1'}
   */
  Stream<LogLine> open(String pod, String container, LogOptions options, Supplier<Optional<Instance>> instance,
      String what) {
    return open(pod, container, options, instance, what, () -> Optional.empty());
  }

  /**
   * As {@link #open(String, String, LogOptions, Supplier, String)}; a follow whose pod went away delivers what
   * {@code archived} holds of it instead.
   */
  Stream<LogLine> open(String pod, String container, LogOptions options, Supplier<Optional<Instance>> instance,
      String what, Supplier<Optional<List<LogLine>>> archived) {
    if (!options.follow()) {
      return read(pod, container, false, options, what).stream();
    }
    LogFollow follow = new LogFollow(this, pod, container, options, instance, what, pollInterval, archived);
    follows.add(follow);
    return follow.stream().onClose(() -> {
      follow.close();
      follows.remove(follow);
    });
  }

  /**
   * The lines of a non-following read. The server's {@code tailLines} counts the lines of both streams, so a
   * tail of one stream is cut here from the whole log.
   */
  List<LogLine> read(String pod, String container, boolean previous, LogOptions options, String what) {
    boolean oneStream = options.streams().size() < LogStream.values().length;
    int tail = options.tail();
    List<LogLine> lines = new ArrayList<>();
    try (Response response = request(pod, container, false, previous, oneStream ? -1 : tail,
        options.since().orElse(null), what)) {
      LogFollow.readAll(response, line -> {
        if (options.accepts(line)) {
          lines.add(line);
        }
      });
    } catch (IOException e) {
      throw connection.errors().unreachable(e);
    }
    return tail(lines, tail);
  }

  /** The last {@code tail} lines; all of them for {@link LogOptions#ALL}. */
  static List<LogLine> tail(List<LogLine> lines, int tail) {
    return tail >= 0 && lines.size() > tail ? lines.subList(lines.size() - tail, lines.size()) : lines;
  }

  /** The whole log of a container, for the archive; empty when it cannot be read. */
  List<LogLine> readAll(String pod, String container, boolean previous, String what) {
    List<LogLine> lines = new ArrayList<>();
    try (Response response = request(pod, container, false, previous, -1, null, what)) {
      LogFollow.readAll(response, lines::add);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return lines;
  }

  /**
   * One log request, of the container's current instance or ({@code previous}) the one before its last restart;
   * {@code sinceTime} is cut to whole seconds, as the API server reads it.
   */
  Response request(String pod, String container, boolean follow, boolean previous, int tail, Instant since,
      String what) {
    ApiClient client = connection.client();
    List<Pair> query = new ArrayList<>();
    query.add(new Pair("container", container));
    query.add(new Pair("timestamps", "true"));
    if (follow) {
      query.add(new Pair("follow", "true"));
    }
    if (previous) {
      query.add(new Pair("previous", "true"));
    }
    if (tail >= 0) {
      query.add(new Pair("tailLines", Integer.toString(tail)));
    }
    if (since != null) {
      query.add(new Pair("sinceTime", since.truncatedTo(ChronoUnit.SECONDS).toString()));
    }
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", "text/plain");
    String path = "/api/v1/namespaces/" + client.escapeString(connection.namespace()) + "/pods/"
        + client.escapeString(pod) + "/log";
    try {
      Call call = client.buildCall(client.getBasePath(), path, "GET", query, new ArrayList<>(), null, headers,
          new HashMap<>(), new HashMap<>(), new String[] {"BearerToken"}, null);
      Response response = call.execute();
      if (!response.isSuccessful()) {
        String body = response.body() == null ? "" : response.body().string();
        int code = response.code();
        response.close();
        throw connection.errors().translate(new ApiException(code, body), KubeOp.of("get", "pods/log",
            "reading the log of " + what), null, null);
      }
      return response;
    } catch (ApiException e) {
      throw connection.errors().translate(e, KubeOp.of("get", "pods/log", "reading the log of " + what), null, null);
    } catch (IOException e) {
      throw connection.errors().unreachable(e);
    }
  }

  /** A line {@code 2026-12-02T08:00:00.123456789Z text} of the pod log; a line without a stamp gets now. */
  static LogLine parse(String raw) {
    int space = raw.indexOf(' ');
    if (space > 0) {
      try {
        return StreamTags.line(Instant.parse(raw.substring(0, space)), raw.substring(space + 1));
      } catch (DateTimeParseException e) {
        // not a stamp: keep the whole line
      }
    }
    return StreamTags.line(Instant.now(), raw);
  }

  void forget(LogFollow follow) {
    follows.remove(follow);
  }

  /** Ends every open follow. */
  @Override
  public void close() {
    for (LogFollow follow : List.copyOf(follows)) {
      follow.close();
    }
    follows.clear();
  }
}
