package dev.berth.runtime.docker;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.internal.BundleCache;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.ExtractionLimits;
import dev.berth.runtime.core.ObjectStores;
import dev.berth.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds a {@link DockerRuntime} or {@link DockerBacktestRunner}. Every setter is optional: settings left
 * unset come from the {@link RuntimeConfig} given to {@link #config}, then from the environment like the
 * docker CLI ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}, the current Docker
 * context), then from the defaults.
 *
 * <pre>{@code
 * DockerRuntime runtime = DockerRuntime.builder()
 *     .host("unix:///var/run/docker.sock")
 *     .scope("research")
 *     .objectStore(store)
 *     .build();
 * }</pre>
 *
 * @param <T> what {@link #build()} returns
 */
public final class DockerBuilder<T> {
  private final Function<Parts, T> factory;
  private RuntimeConfig config = RuntimeConfig.empty();
  private RuntimeConfig overrides = RuntimeConfig.empty();
  private ObjectStore objectStore;
  private Map<String, String> environment = System.getenv();

  DockerBuilder(Function<Parts, T> factory) {
    this.factory = factory;
  }

  /** Base settings ({@code scope}, {@code store.*}, {@code docker.*}); the other setters override them. */
  public DockerBuilder<T> config(RuntimeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /** The engine, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://build-host:2376}. */
  public DockerBuilder<T> host(String host) {
    return set(DockerSettings.HOST, host);
  }

  /** Verify the engine's TLS certificate using {@link #certPath}. */
  public DockerBuilder<T> tlsVerify(boolean tlsVerify) {
    return set(DockerSettings.TLS_VERIFY, String.valueOf(tlsVerify));
  }

  /** Directory holding {@code ca.pem}, {@code cert.pem} and {@code key.pem}. */
  public DockerBuilder<T> certPath(Path certPath) {
    return set(DockerSettings.CERT_PATH, certPath.toString());
  }

  /** The scope label separating this service's containers from others' on the same engine. */
  public DockerBuilder<T> scope(String scope) {
    return set("scope", scope);
  }

  /**
   * Where stored code bundles come from and where backtest results and logs go. Without it the store is
   * built from the config's {@code store.*} keys (a file-system store in {@code ~/.berth/store} by default,
   * none with {@code store.type=none}).
   */
  public DockerBuilder<T> objectStore(ObjectStore objectStore) {
    this.objectStore = Objects.requireNonNull(objectStore, "objectStore");
    return this;
  }

  /** No object store ({@code store.type=none}): stored bundles cannot be used, results are not stored. */
  public DockerBuilder<T> noObjectStore() {
    this.objectStore = null;
    return set("store.type", "none");
  }

  /** Host directory for workspaces ({@code ~/.berth/docker} by default); must be visible to the engine. */
  public DockerBuilder<T> workDir(Path workDir) {
    return set(DockerSettings.WORK_DIR, workDir.toString());
  }

  /**
   * Grace between SIGTERM and SIGKILL of {@code stop(id)}, {@code restart} and {@code delete} of a running bot
   * (config key {@code stop-grace}, default 10s).
   */
  public DockerBuilder<T> stopGrace(Duration grace) {
    return set(RuntimeConfig.STOP_GRACE, grace.toString());
  }

  /** How long an image pull may take. */
  public DockerBuilder<T> pullTimeout(Duration timeout) {
    return set(DockerSettings.PULL_TIMEOUT, timeout.toString());
  }

  /** The environment read for DOCKER_* variables; tests replace it. */
  DockerBuilder<T> environment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return this;
  }

  /**
   * Creates the runtime or runner. Does not contact the engine; {@code health()} does.
   *
   * @throws dev.berth.runtime.InvalidConfigException for an unknown or malformed setting
   */
  public T build() {
    RuntimeConfig merged = config.merge(overrides);
    DockerSettings settings = DockerSettings.from(merged);
    Optional<ObjectStore> store = objectStore != null ? Optional.of(objectStore) : ObjectStores.fromConfig(merged);
    DockerConnection connection = DockerConnection.open(settings, environment);
    DockerImageManager images = new DockerImageManager(connection, settings.pullTimeout());
    CodeMaterializer materializer = new CodeMaterializer(ExtractionLimits.DEFAULTS, store,
        BundleCache.fromConfig(merged, settings.workDir().resolve("bundle-cache")));
    WorkloadCreator creator = new WorkloadCreator(connection, new ContainerFactory(settings), images, materializer);
    return factory.apply(new Parts(merged, settings, connection, creator, images, store));
  }

  private DockerBuilder<T> set(String key, String value) {
    overrides = overrides.with(key, Objects.requireNonNull(value, key));
    return this;
  }

  static DockerRuntime runtime(Parts parts) {
    return new DockerRuntime(parts.settings(), parts.connection(), parts.creator(), parts.images(), parts.store());
  }

  /** What both products are made of. */
  record Parts(RuntimeConfig config, DockerSettings settings, DockerConnection connection, WorkloadCreator creator,
      DockerImageManager images, Optional<ObjectStore> store) {}
}
