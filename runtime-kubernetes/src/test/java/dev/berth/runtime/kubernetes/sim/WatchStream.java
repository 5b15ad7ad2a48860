package dev.berth.runtime.kubernetes.sim;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A watch over HTTP ({@code ?watch=true}), which the in-process server only offers as a WebSocket: the
 * collection is listed every {@value #POLL_MS} ms with the request's selectors and the differences are sent as
 * {@code ADDED}/{@code MODIFIED}/{@code DELETED} events, one JSON object per line, until {@code timeoutSeconds}
 * pass or the client goes away. Without a {@code resourceVersion} (or with {@code 0}) every existing object comes
 * first as {@code ADDED}, as from a real API server; with one, only objects changed after it do.
 */
final class WatchStream {
  static final long POLL_MS = 100;
  private static final long DEFAULT_TIMEOUT_SECONDS = 1800;
  private static final Set<String> WATCH_ONLY = Set.of("watch", "resourceVersion", "resourceVersionMatch",
      "timeoutSeconds", "allowWatchBookmarks", "sendInitialEvents");

  private final HttpClient http;
  private final String backend;

  WatchStream(HttpClient http, String backend) {
    this.http = http;
    this.backend = backend;
  }

  static boolean applies(String method, Map<String, String> query) {
    return "GET".equals(method) && ("true".equals(query.get("watch")) || "1".equals(query.get("watch")));
  }

  void stream(String path, Map<String, String> query, OutputStream out, BooleanSupplier closed)
      throws IOException, InterruptedException {
    String list = backend + path + listQuery(query);
    long timeout = query.getOrDefault("timeoutSeconds", "").matches("\\d+")
        ? Long.parseLong(query.get("timeoutSeconds")) : DEFAULT_TIMEOUT_SECONDS;
    long end = System.currentTimeMillis() + timeout * 1000;
    String since = query.get("resourceVersion");
    long after = since == null || !since.matches("\\d+") ? 0 : Long.parseLong(since);
    Map<String, JsonObject> known = new HashMap<>();
    boolean first = true;
    while (!closed.getAsBoolean() && System.currentTimeMillis() < end) {
      Map<String, JsonObject> now = list(list);
      for (Map.Entry<String, JsonObject> entry : now.entrySet()) {
        JsonObject before = known.get(entry.getKey());
        long version = version(entry.getValue());
        if (before == null && (!first || version > after)) {
          send(out, "ADDED", entry.getValue());
        } else if (before != null && version != version(before)) {
          send(out, "MODIFIED", entry.getValue());
        }
      }
      for (String gone : new HashSet<>(known.keySet())) {
        if (!now.containsKey(gone)) {
          send(out, "DELETED", known.get(gone));
        }
      }
      known = now;
      first = false;
      Thread.sleep(POLL_MS);
    }
  }

  private Map<String, JsonObject> list(String uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri))
        .header("User-Agent", SimApi.USER_AGENT).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, JsonObject> items = new HashMap<>();
    if (response.statusCode() != 200) {
      return items;
    }
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    String kind = body.has("kind") ? body.get("kind").getAsString().replaceFirst("List$", "") : null;
    String apiVersion = body.has("apiVersion") ? body.get("apiVersion").getAsString() : null;
    if (body.has("items")) {
      for (JsonElement item : body.getAsJsonArray("items")) {
        JsonObject object = item.getAsJsonObject();
        if (!object.has("kind") && kind != null) {
          object.addProperty("kind", kind);
        }
        if (!object.has("apiVersion") && apiVersion != null) {
          object.addProperty("apiVersion", apiVersion);
        }
        JsonObject meta = object.getAsJsonObject("metadata");
        items.put(meta.has("uid") ? meta.get("uid").getAsString() : meta.get("name").getAsString(), object);
      }
    }
    return items;
  }

  private static long version(JsonObject object) {
    JsonObject meta = object.getAsJsonObject("metadata");
    String version = meta.has("resourceVersion") ? meta.get("resourceVersion").getAsString() : "0";
    return version.matches("\\d+") ? Long.parseLong(version) : 0;
  }

  private static void send(OutputStream out, String type, JsonObject object) throws IOException {
    JsonObject event = new JsonObject();
    event.addProperty("type", type);
    event.add("object", object);
    out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String listQuery(Map<String, String> query) {
    String kept = query.entrySet().stream().filter(e -> !WATCH_ONLY.contains(e.getKey()))
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return kept.isEmpty() ? "" : "?" + kept;
  }
}
