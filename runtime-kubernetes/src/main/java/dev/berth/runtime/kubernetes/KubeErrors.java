package dev.berth.runtime.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadNotFoundException;
import io.kubernetes.client.openapi.ApiException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns client-java's {@link ApiException} into Berth's exceptions, always keeping the API server's own
 * message: 403 names the verb and resource the Role lacks, 404 is not found, 409 already exists, 422 an
 * invalid spec, an unreachable server {@link RuntimeUnavailableException}.
 */
final class KubeErrors {
  private final String url;
  private final String source;
  private final String namespace;
  private final String scope;

  KubeErrors(String url, String source, String namespace, String scope) {
    this.url = url;
    this.source = source;
    this.namespace = namespace;
    this.scope = scope;
  }

  /** A call to the API server. */
  @FunctionalInterface
  interface ApiCall<T> {
    T call() throws ApiException;
  }

  /** Runs {@code call}, translating its failure; {@code id} (of {@code kind}) names the workload for a 404/409. */
  <T> T call(KubeOp op, WorkloadKind kind, String id, ApiCall<T> call) {
    try {
      return call.call();
    } catch (ApiException e) {
      throw translate(e, op, kind, id);
    } catch (RuntimeException e) {
      throw e instanceof BerthException ? (BerthException) e : new RuntimeOperationException("Kubernetes failed "
          + op.what() + ": " + e.getMessage(), e);
    }
  }

  /** Like {@link #call}, but empty when the API server answers 404. */
  <T> Optional<T> callOrEmpty(KubeOp op, ApiCall<T> call) {
    try {
      return Optional.ofNullable(call.call());
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw translate(e, op, null, null);
    } catch (RuntimeException e) {
      throw e instanceof BerthException ? (BerthException) e : new RuntimeOperationException("Kubernetes failed "
          + op.what() + ": " + e.getMessage(), e);
    }
  }

  /** The Berth exception for a failed call. */
  BerthException translate(ApiException e, KubeOp op, WorkloadKind kind, String id) {
    String message = message(e);
    switch (e.getCode()) {
      case 0:
        return unreachable(e);
      case 401:
        return new RuntimeUnavailableException("The Kubernetes API server at " + url + " rejected Berth's credentials "
            + "while " + op.what() + " (401: " + message + "). Renew the token or fix " + source + ".", e);
      case 403:
        return new RuntimeOperationException("Kubernetes forbids " + op.what() + ": the account cannot '" + op.verb()
            + "' " + op.resource() + " in namespace '" + namespace + "' (403: " + message + "). Grant verb '"
            + op.verb() + "' on resource '" + op.resource() + "' in the Role bound to Berth's service account "
            + "(see the RBAC section of docs/kubernetes.md).", e);
      case 404:
        if (kind != null && id != null) {
          return WorkloadNotFoundException.of(kind, id, scope);
        }
        return new RuntimeOperationException("Kubernetes found nothing while " + op.what() + " (404: " + message
            + "). Check the namespace '" + namespace + "' exists.", e);
      case 409:
        if (kind != null && id != null && message.contains("already exists")) {
          return kind == WorkloadKind.BOT ? new BotAlreadyExistsException(id, scope)
              : new BacktestAlreadyExistsException(id, scope);
        }
        return new RuntimeOperationException("Kubernetes reported a conflict while " + op.what() + " (409: "
            + message + "). Another client changed the object at the same time; try again.", e);
      case 502:
      case 503:
      case 504:
        return new RuntimeUnavailableException("The Kubernetes API server at " + url + " is unavailable while "
            + op.what() + " (" + e.getCode() + ": " + message + "). It is overloaded or restarting; try again.", e);
      case 422:
        return new InvalidSpecException(kind == WorkloadKind.BACKTEST ? "BacktestSpec" : "BotSpec",
            violations(e, message));
      default:
        return new RuntimeOperationException("Kubernetes failed " + op.what() + " (" + e.getCode() + ": " + message
            + ").", e);
    }
  }

  RuntimeUnavailableException unreachable(Throwable e) {
    return new RuntimeUnavailableException("The Kubernetes API server is not reachable at " + url + " (" + reason(e)
        + "; the address came from " + source + "). Check the cluster is up, or fix " + KubernetesSettings.API_URL
        + " / KUBECONFIG.", e);
  }

  /** The API server's {@code Status.message}, else the body, else the client's message. */
  static String message(ApiException e) {
    String body = e.getResponseBody();
    if (body != null && !body.isBlank()) {
      try {
        JsonElement json = JsonParser.parseString(body);
        if (json.isJsonObject() && json.getAsJsonObject().has("message")) {
          return json.getAsJsonObject().get("message").getAsString();
        }
      } catch (RuntimeException notJson) {
        // the body itself is the message
      }
      return body.trim();
    }
    return e.getMessage() == null ? "HTTP " + e.getCode() : e.getMessage();
  }

  private static List<String> violations(ApiException e, String message) {
    List<String> violations = new ArrayList<>();
    try {
      JsonObject status = JsonParser.parseString(e.getResponseBody()).getAsJsonObject();
      if (status.has("details") && status.getAsJsonObject("details").has("causes")) {
        for (JsonElement cause : status.getAsJsonObject("details").getAsJsonArray("causes")) {
          JsonObject c = cause.getAsJsonObject();
          String field = c.has("field") ? c.get("field").getAsString() : "spec";
          violations.add(field + ": " + (c.has("message") ? c.get("message").getAsString() : "is invalid")
              + " (rejected by the Kubernetes API server)");
        }
      }
    } catch (RuntimeException notStatus) {
      // fall back to the whole message
    }
    if (violations.isEmpty()) {
      violations.add("spec: the Kubernetes API server rejected it (422: " + message + "); fix the named field");
    }
    return violations;
  }

  private static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof SocketTimeoutException) {
        return "timed out";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
