package dev.berth.runtime.kubernetes.sim;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.PatchUtils;
import java.util.Map;

/**
 * The simulated control plane's own connection to the API server. Its requests carry a user agent of their
 * own so that {@link SimulatedCluster#requestCount} counts only what the code under test sends.
 */
final class SimApi {
  static final String USER_AGENT = "berth-simulated-control-plane";

  final ApiClient client;
  final CoreV1Api core;
  final AppsV1Api apps;
  final BatchV1Api batch;
  final String namespace;

  SimApi(String url, String namespace) {
    this.client = new ClientBuilder().setBasePath(url).build();
    client.setUserAgent(USER_AGENT);
    this.core = new CoreV1Api(client);
    this.apps = new AppsV1Api(client);
    this.batch = new BatchV1Api(client);
    this.namespace = namespace;
  }

  /** The JSON the API server expects for {@code value}, with the client's own naming and date formats. */
  String json(Object value) {
    return JSON.serialize(value);
  }

  /** Sends {@code {"status": status}} as a JSON merge patch, the one patch format the in-process server takes. */
  <T> T patchStatus(Class<T> type, Object status, PatchCall call) throws ApiException {
    V1Patch patch = new V1Patch(json(Map.of("status", status)));
    return PatchUtils.patch(type, () -> call.build(patch), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
  }

  /** Builds the HTTP call of one typed patch request. */
  @FunctionalInterface
  interface PatchCall {
    okhttp3.Call build(V1Patch patch) throws ApiException;
  }

  /** Whether the exception says the object is gone (deleted meanwhile): the loops then skip it. */
  static boolean notFound(ApiException e) {
    return e.getCode() == 404;
  }
}
