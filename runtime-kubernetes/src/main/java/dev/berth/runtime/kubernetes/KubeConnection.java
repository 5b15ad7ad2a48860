package dev.berth.runtime.kubernetes;

import dev.berth.runtime.Health;
import dev.berth.runtime.RuntimeUnavailableException;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.VersionInfo;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One API server connection: the client, the namespace and where both came from. Resolved in this order: an
 * explicit {@code kubernetes.api-url} (with a token or token file, a CA file or the insecure flag), else the
 * in-cluster service account, else the kubeconfig ({@code kubernetes.kubeconfig}, {@code KUBECONFIG},
 * {@code ~/.kube/config}) at its current context or {@code kubernetes.context}.
 */
final class KubeConnection implements AutoCloseable {
  static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
  /** How many asynchronous calls (pod watches) may run at once, to one API server and in all. */
  static final int CONCURRENT_WATCHES = 256;

  private final ApiClient client;
  private final String namespace;
  private final String source;
  private final KubeErrors errors;
  private final AppsV1Api apps;
  private final CoreV1Api core;
  private final BatchV1Api batch;

  KubeConnection(ApiClient client, String namespace, String source, String scope) {
    // every wait for a pod is a watch, an asynchronous call of its own: OkHttp's default of 5 per host would queue
    // all but five of them until one ended
    okhttp3.Dispatcher dispatcher = client.getHttpClient().dispatcher();
    dispatcher.setMaxRequests(Math.max(dispatcher.getMaxRequests(), CONCURRENT_WATCHES));
    dispatcher.setMaxRequestsPerHost(Math.max(dispatcher.getMaxRequestsPerHost(), CONCURRENT_WATCHES));
    this.client = client;
    this.namespace = namespace;
    this.source = source;
    this.errors = new KubeErrors(client.getBasePath(), source, namespace, scope);
    this.apps = new AppsV1Api(client);
    this.core = new CoreV1Api(client);
    this.batch = new BatchV1Api(client);
  }

  /** Connects as the settings say; reads files but does not contact the API server. */
  static KubeConnection open(KubernetesSettings settings, Map<String, String> environment) {
    try {
      if (settings.apiUrl().isPresent()) {
        return explicit(settings);
      }
      if (environment.containsKey("KUBERNETES_SERVICE_HOST") && Files.exists(SERVICE_ACCOUNT_DIR.resolve("token"))) {
        ApiClient client = ClientBuilder.cluster().build();
        String namespace = settings.namespace().orElseGet(() -> readQuietly(SERVICE_ACCOUNT_DIR.resolve("namespace"))
            .orElse("default"));
        return new KubeConnection(client, namespace, "the in-cluster service account", settings.scope());
      }
      return fromKubeconfig(settings, environment);
    } catch (IOException | RuntimeException e) {
      if (e instanceof RuntimeUnavailableException) {
        throw (RuntimeUnavailableException) e;
      }
      throw new RuntimeUnavailableException("Cannot configure the Kubernetes client: " + e.getMessage() + ". Set "
          + KubernetesSettings.API_URL + " (with " + KubernetesSettings.TOKEN + "), run in a pod with a service "
          + "account, or point KUBECONFIG at a valid kubeconfig.", e);
    }
  }

  private static KubeConnection explicit(KubernetesSettings settings) throws IOException {
    ClientBuilder builder = new ClientBuilder().setBasePath(settings.apiUrl().orElseThrow())
        .setVerifyingSsl(!settings.insecure());
    Optional<String> token = settings.token().or(() -> settings.tokenFile().map(KubeConnection::read));
    token.ifPresent(t -> builder.setAuthentication(new AccessTokenAuthentication(t.trim())));
    if (settings.caFile().isPresent()) {
      builder.setCertificateAuthority(Files.readAllBytes(settings.caFile().get()));
    }
    return new KubeConnection(builder.build(), settings.namespace().orElse("default"),
        KubernetesSettings.API_URL, settings.scope());
  }

  private static KubeConnection fromKubeconfig(KubernetesSettings settings, Map<String, String> environment)
      throws IOException {
    Path file = settings.kubeconfig().orElseGet(() -> Optional.ofNullable(environment.get("KUBECONFIG"))
        .filter(v -> !v.isBlank()).map(v -> Path.of(v.split(java.io.File.pathSeparator)[0]))
        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".kube", "config")));
    if (!Files.isRegularFile(file)) {
      throw new RuntimeUnavailableException("No Kubernetes cluster is configured: " + KubernetesSettings.API_URL
          + " is not set, this is not a pod with a service account, and there is no kubeconfig at " + file
          + ". Set " + KubernetesSettings.API_URL + ", or KUBECONFIG, or " + KubernetesSettings.KUBECONFIG + ".");
    }
    KubeConfig config;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      config = KubeConfig.loadKubeConfig(reader);
    }
    config.setFile(file.toFile());
    if (settings.context().isPresent() && !config.setContext(settings.context().get())) {
      throw new RuntimeUnavailableException("The kubeconfig " + file + " has no context '"
          + settings.context().get() + "'; fix " + KubernetesSettings.CONTEXT + " or add the context.");
    }
    ApiClient client = ClientBuilder.kubeconfig(config).build();
    String namespace = settings.namespace().orElse(Optional.ofNullable(config.getNamespace()).orElse("default"));
    return new KubeConnection(client, namespace, "kubeconfig " + file + " (context " + config.getCurrentContext()
        + ")", settings.scope());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RuntimeUnavailableException("Cannot read the token file " + file + " (" + e.getMessage() + "); fix "
          + KubernetesSettings.TOKEN_FILE + ".", e);
    }
  }

  private static Optional<String> readQuietly(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()).filter(s -> !s.isEmpty());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  ApiClient client() {
    return client;
  }

  String namespace() {
    return namespace;
  }

  String url() {
    return client.getBasePath();
  }

  KubeErrors errors() {
    return errors;
  }

  AppsV1Api apps() {
    return apps;
  }

  CoreV1Api core() {
    return core;
  }

  BatchV1Api batch() {
    return batch;
  }

  /**
   * Whether the API server answers and lets this account list Deployments; never throws. Servers that do not
   * serve {@code /version} are still healthy when the list works.
   */
  Health health() {
    String version = "";
    try {
      VersionInfo info = new VersionApi(client).getCode().execute();
      version = "Kubernetes " + info.getGitVersion();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        return Health.unhealthy(errors.translate(e, KubeOp.of("list", "deployments", "checking the API server"),
            null, null).getMessage());
      }
    } catch (RuntimeException e) {
      return Health.unhealthy("The Kubernetes API server at " + url() + " answered oddly: " + e.getMessage());
    }
    try {
      apps.listNamespacedDeployment(namespace).limit(1).execute();
      return Health.healthy((version.isEmpty() ? "Kubernetes" : version) + " at " + url() + ", namespace "
          + namespace);
    } catch (ApiException e) {
      return Health.unhealthy(errors.translate(e, KubeOp.of("list", "deployments", "checking the API server"),
          null, null).getMessage());
    } catch (RuntimeException e) {
      return Health.unhealthy("The Kubernetes API server at " + url() + " answered oddly: " + e.getMessage());
    }
  }

  /**
   * Releases the HTTP client's threads and connections: calls still in flight on other threads (a status poll,
   * a follow) are cancelled first, so none of them hands its connection back to the pool after it was emptied.
   */
  @Override
  public void close() {
    client.getHttpClient().dispatcher().cancelAll();
    client.getHttpClient().dispatcher().executorService().shutdown();
    client.getHttpClient().connectionPool().evictAll();
  }
}
