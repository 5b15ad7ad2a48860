package dev.berth.runtime.kubernetes;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.ObjectStores;
import dev.berth.runtime.core.internal.BundleCache;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.ExtractionLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds a {@link KubernetesRuntime} or a Kubernetes backtest runner. Every setter is optional: settings left
 * unset come from the {@link RuntimeConfig} given to {@link #config} ({@code kubernetes.*} keys), then from the
 * in-cluster service account, then from the kubeconfig ({@code KUBECONFIG}, {@code ~/.kube/config}).
 *
 * <pre>{@code
 * KubernetesRuntime runtime = KubernetesRuntime.builder()
 *     .namespace("bots")
 *     .serviceAccount("berth-bots")
 *     .scope("research")
 *     .objectStore(minio)
 *     .build();
 * }</pre>
 *
 * @param <T> what {@link #build()} returns
 */
public final class KubernetesBuilder<T> {
  private final Function<Parts, T> factory;
  private RuntimeConfig config = RuntimeConfig.empty();
  private RuntimeConfig overrides = RuntimeConfig.empty();
  private ObjectStore objectStore;
  private Map<String, String> environment = System.getenv();

  KubernetesBuilder(Function<Parts, T> factory) {
    this.factory = factory;
  }

  /** Base settings ({@code scope}, {@code store.*}, {@code kubernetes.*}); the other setters override them. */
  public KubernetesBuilder<T> config(RuntimeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /** The API server, e.g. {@code https://10.0.0.1:6443}; use with {@link #token} and {@link #caFile}. */
  public KubernetesBuilder<T> apiUrl(String url) {
    return set(KubernetesSettings.API_URL, url);
  }

  /** A bearer token for {@link #apiUrl}. */
  public KubernetesBuilder<T> token(String token) {
    return set(KubernetesSettings.TOKEN, token);
  }

  /** The API server's CA certificate (PEM) for {@link #apiUrl}. */
  public KubernetesBuilder<T> caFile(Path caFile) {
    return set(KubernetesSettings.CA_FILE, caFile.toString());
  }

  /** Skip TLS verification of {@link #apiUrl}; for test clusters only. */
  public KubernetesBuilder<T> insecureSkipTlsVerify(boolean insecure) {
    return set(KubernetesSettings.INSECURE, Boolean.toString(insecure));
  }

  /** A kubeconfig file instead of {@code KUBECONFIG} / {@code ~/.kube/config}. */
  public KubernetesBuilder<T> kubeconfig(Path kubeconfig) {
    return set(KubernetesSettings.KUBECONFIG, kubeconfig.toString());
  }

  /** The namespace of every object Berth makes (default: the service account's, the context's, else default). */
  public KubernetesBuilder<T> namespace(String namespace) {
    return set(KubernetesSettings.NAMESPACE, namespace);
  }

  /** The service account the workloads' pods run as. */
  public KubernetesBuilder<T> serviceAccount(String serviceAccount) {
    return set(KubernetesSettings.SERVICE_ACCOUNT, serviceAccount);
  }

  /** The label separating this service's workloads from others' in one namespace. */
  public KubernetesBuilder<T> scope(String scope) {
    return set("scope", scope);
  }

  /**
   * Where large code bundles travel and backtest results and logs go; it must be reachable from the pods (its
   * presigned URLs are fetched there). Without it the store comes from the config's {@code store.*} keys.
   */
  public KubernetesBuilder<T> objectStore(ObjectStore objectStore) {
    this.objectStore = Objects.requireNonNull(objectStore, "objectStore");
    return this;
  }

  /** No object store: code travels in ConfigMaps only, results through the termination message only. */
  public KubernetesBuilder<T> noObjectStore() {
    this.objectStore = null;
    return set("store.type", "none");
  }

  /** The grace between SIGTERM and SIGKILL of {@code stop(id)}, {@code restart} and {@code delete}. */
  public KubernetesBuilder<T> stopGrace(Duration grace) {
    return set(RuntimeConfig.STOP_GRACE, grace.toString());
  }

  /** The environment read for {@code KUBECONFIG} and the in-cluster variables; tests replace it. */
  KubernetesBuilder<T> environment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return this;
  }

  /**
   * Creates the runtime or runner. Reads the credentials but does not contact the API server; {@code health()}
   * does.
   *
   * @throws dev.berth.runtime.InvalidConfigException for an unknown or malformed setting
   * @throws dev.berth.runtime.RuntimeUnavailableException when no cluster is configured
   */
  public T build() {
    RuntimeConfig merged = config.merge(overrides);
    KubernetesSettings settings = KubernetesSettings.from(merged);
    Optional<ObjectStore> store = objectStore != null ? Optional.of(objectStore) : ObjectStores.fromConfig(merged);
    KubeConnection connection = KubeConnection.open(settings, environment);
    Path work = settings.workDir();
    CodeMaterializer materializer = new CodeMaterializer(ExtractionLimits.DEFAULTS, store,
        BundleCache.fromConfig(merged, work.resolve("bundle-cache")));
    return factory.apply(new Parts(merged, settings, connection, new CodePackager(materializer, store, settings),
        store, work));
  }

  private KubernetesBuilder<T> set(String key, String value) {
    overrides = overrides.with(key, Objects.requireNonNull(value, key));
    return this;
  }

  /** What both products are made of. */
  record Parts(RuntimeConfig config, KubernetesSettings settings, KubeConnection connection, CodePackager packager,
      Optional<ObjectStore> store, Path workDir) {}
}
