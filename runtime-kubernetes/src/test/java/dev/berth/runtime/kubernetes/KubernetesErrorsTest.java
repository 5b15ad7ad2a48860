package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API server errors become Berth's exceptions, each keeping the server's own message. */
class KubernetesErrorsTest {
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/" + ApiServerFixture.NAMESPACE + "/deployments";

  private ApiServerFixture api;
  private KubernetesRuntime runtime;

  @BeforeEach
  void start() {
    api = ApiServerFixture.start();
    runtime = api.runtimeBuilder("errors").build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    api.close();
  }

  private static String status(int code, String reason, String message, String details) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"" + message
        + "\",\"reason\":\"" + reason + "\",\"code\":" + code + details + "}";
  }

  private static BotSpec spec() {
    return BotSpec.builder("b1").image("busybox:1.36").command("true").build();
  }

  @Test
  void forbiddenNamesTheVerbTheResourceAndTheRole() {
    String message = "deployments.apps is forbidden: User \\\"system:serviceaccount:bots:berth\\\" cannot create "
        + "resource \\\"deployments\\\" in API group \\\"apps\\\" in the namespace \\\"berth-test\\\"";
    api.server().expect().post().withPath(DEPLOYMENTS).andReturn(403, status(403, "Forbidden", message, ""))
        .once();

    assertThatThrownBy(() -> runtime.create(spec())).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("cannot 'create' deployments in namespace 'berth-test'")
        .hasMessageContaining("Grant verb 'create' on resource 'deployments' in the Role")
        .hasMessageContaining("system:serviceaccount:bots:berth");
  }

  @Test
  void anOverloadedApiServerIsUnavailableWithItsMessage() {
    api.server().expect().post().withPath(DEPLOYMENTS)
        .andReturn(503, status(503, "ServiceUnavailable", "the server is currently unable to handle the request", ""))
        .once();

    assertThatThrownBy(() -> runtime.create(spec())).isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("503: the server is currently unable to handle the request")
        .hasMessageContaining("creating bot 'b1'");
  }

  @Test
  void unprocessableIsAnInvalidSpecWithTheServersCauses() throws Exception {
    String details = ",\"details\":{\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: "
        + "\\\"BAD\\\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters\","
        + "\"field\":\"spec.template.spec.containers[0].name\"}]}";
    api.server().expect().post().withPath(DEPLOYMENTS)
        .andReturn(422, status(422, "Invalid", "Deployment.apps \\\"x\\\" is invalid", details)).once();

    assertThatThrownBy(() -> runtime.create(spec())).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.template.spec.containers[0].name")
        .hasMessageContaining("a lowercase RFC 1123 label");
    assertThat(new AppsV1Api(api.client()).listNamespacedDeployment(ApiServerFixture.NAMESPACE).execute().getItems())
        .isEmpty();
  }

  @Test
  void aConflictOnCreateOfAnotherScopesObjectSaysSo() {
    api.server().expect().post().withPath(DEPLOYMENTS)
        .andReturn(409, status(409, "AlreadyExists", "deployments.apps \\\"x\\\" already exists", "")).once();

    assertThatThrownBy(() -> runtime.create(spec())).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("that scope 'errors' does not manage");
  }

  @Test
  void aFailedSecretCreateRemovesTheDeploymentAndConfigMapAgain() throws Exception {
    api.server().expect().post().withPath("/api/v1/namespaces/" + ApiServerFixture.NAMESPACE + "/secrets")
        .andReturn(403, status(403, "Forbidden", "secrets is forbidden", "")).once();

    assertThatThrownBy(() -> runtime.create(spec())).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("'create' secrets");
    assertThat(new AppsV1Api(api.client()).listNamespacedDeployment(ApiServerFixture.NAMESPACE).execute().getItems())
        .isEmpty();
    assertThat(api.core().listNamespacedConfigMap(ApiServerFixture.NAMESPACE).execute().getItems()).isEmpty();
  }

  @Test
  void anUnreachableServerIsUnavailableAndHealthSaysWhy() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (KubernetesRuntime down = KubernetesRuntime.builder().apiUrl("http://127.0.0.1:" + port)
        .namespace("x").noObjectStore().environment(Map.of()).build()) {
      assertThatThrownBy(() -> down.list()).isInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining("not reachable at http://127.0.0.1:" + port).hasMessageContaining("connection refused");
      assertThat(down.health().healthy()).isFalse();
      assertThat(down.health().message()).contains("not reachable");
    }
  }

  @Test
  void withoutAnyClusterConfiguredBuildingSaysWhatWasTried() {
    assertThatThrownBy(() -> KubernetesRuntime.builder().noObjectStore()
        .kubeconfig(java.nio.file.Path.of("/nonexistent/kubeconfig")).environment(Map.of()).build())
        .isInstanceOf(RuntimeUnavailableException.class).hasMessageContaining("/nonexistent/kubeconfig")
        .hasMessageContaining(KubernetesSettings.API_URL);
  }
}
