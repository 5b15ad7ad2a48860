package dev.berth.runtime.kubernetes.sim;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386) as a real API server applies it: the in-process server appends to arrays instead
 * of replacing them, so a patch of a pod template's container list, or of a status's conditions, would pile up.
 * Applied here to the stored object and sent on as an update; on the {@code status} subresource only the status
 * changes, elsewhere everything but the status.
 */
final class MergePatch {
  static final String CONTENT_TYPE = "application/merge-patch+json";
  private static final int ATTEMPTS = 5;

  private MergePatch() {}

  static boolean applies(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return "PATCH".equals(request.getMethod()) && type != null && type.startsWith(CONTENT_TYPE);
  }

  static MockResponse apply(Dispatcher crud, RecordedRequest request, String plainPath) {
    return apply(crud, plainPath, JsonParser.parseString(request.getUtf8Body()));
  }

  /** Applies {@code patch} to the object stored at {@code plainPath} (its status where the path ends so). */
  static MockResponse apply(Dispatcher crud, String plainPath, JsonElement patch) {
    boolean status = plainPath.endsWith("/status");
    String objectPath = status ? plainPath.substring(0, plainPath.length() - "/status".length()) : plainPath;
    MockResponse response = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      MockResponse current = crud.dispatch(request(HttpMethod.GET, objectPath, null));
      if (current.code() != 200) {
        return current;
      }
      JsonObject stored = JsonParser.parseString(current.getBody().readUtf8()).getAsJsonObject();
      JsonObject merged = merge(stored.deepCopy(), patch).getAsJsonObject();
      if (status) {
        JsonElement newStatus = merged.get("status");
        merged = stored;
        merged.remove("status");
        if (newStatus != null) {
          merged.add("status", newStatus);
        }
      } else if (stored.has("status")) {
        merged.add("status", stored.get("status"));
      }
      response = crud.dispatch(request(HttpMethod.PUT, plainPath, merged.toString()));
      if (response.code() != 409 || patchNamesVersion(patch)) {
        return response;
      }
    }
    return response;
  }

  /** RFC 7386: objects merge member by member, {@code null} removes, anything else (arrays too) replaces. */
  static JsonElement merge(JsonElement target, JsonElement patch) {
    if (!patch.isJsonObject()) {
      return patch;
    }
    JsonObject result = target != null && target.isJsonObject() ? target.getAsJsonObject() : new JsonObject();
    for (Map.Entry<String, JsonElement> member : patch.getAsJsonObject().entrySet()) {
      if (member.getValue().isJsonNull()) {
        result.remove(member.getKey());
      } else {
        result.add(member.getKey(), merge(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }

  private static boolean patchNamesVersion(JsonElement patch) {
    return patch.isJsonObject() && patch.getAsJsonObject().has("metadata")
        && patch.getAsJsonObject().get("metadata").isJsonObject()
        && patch.getAsJsonObject().getAsJsonObject("metadata").has("resourceVersion");
  }

  /** A request to hand the in-process server's own dispatcher; {@code body} JSON or {@code null}. */
  static RecordedRequest request(HttpMethod method, String path, String body) {
    Headers headers = body == null ? Headers.builder().build()
        : Headers.builder().add("Content-Type", "application/json").build();
    Buffer buffer = new Buffer();
    if (body != null) {
      buffer.write(body.getBytes(StandardCharsets.UTF_8));
    }
    return new RecordedRequest("HTTP/1.1", method, path, headers, buffer);
  }
}
