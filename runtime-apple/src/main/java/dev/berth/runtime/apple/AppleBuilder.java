package dev.berth.runtime.apple;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.ObjectStores;
import dev.berth.runtime.core.internal.CodeMaterializer;
import dev.berth.runtime.core.internal.ExtractionLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Builds an {@link AppleRuntime} or an {@link AppleBacktestRunner}'s runner. Every setter is optional:
 * settings left unset come from the {@link RuntimeConfig} given to {@link #config}, then from the defaults
 * (the {@code container} on {@code PATH}, else {@code /usr/local/bin/container}; work directory
 * {@code ~/.berth/apple}).
 *
 * <pre>{@code
 * AppleRuntime runtime = AppleRuntime.builder()
 *     .executable(Path.of("/usr/local/bin/container"))
 *     .scope("research")
 *     .build();
 * }</pre>
 *
 * @param <T> what {@link #build()} returns
 */
public final class AppleBuilder<T> {
  private final Function<Parts, T> factory;
  private RuntimeConfig config = RuntimeConfig.empty();
  private RuntimeConfig overrides = RuntimeConfig.empty();
  private ObjectStore objectStore;

  AppleBuilder(Function<Parts, T> factory) {
    this.factory = factory;
  }

  /**
   * Base settings ({@code scope}, {@code store.*}, {@code apple.*}); the other setters override them.
   *
   * @param config the settings
   * @return this builder
   */
  public AppleBuilder<T> config(RuntimeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * The {@code container} CLI to run (config key {@code apple.path}).
   *
   * @param executable its path
   * @return this builder
   */
  public AppleBuilder<T> executable(Path executable) {
    return set(AppleSettings.EXECUTABLE, executable.toString());
  }

  /**
   * The scope label separating this service's containers from others' on the same Mac.
   *
   * @param scope a DNS label such as {@code research}
   * @return this builder
   */
  public AppleBuilder<T> scope(String scope) {
    return set("scope", scope);
  }

  /**
   * Where stored code bundles come from and where backtest results and logs go. Without it the store is
   * built from the config's {@code store.*} keys (a file-system store in {@code ~/.berth/store} by default,
   * none with {@code store.type=none}).
   *
   * @param objectStore the store
   * @return this builder
   */
  public AppleBuilder<T> objectStore(ObjectStore objectStore) {
    this.objectStore = Objects.requireNonNull(objectStore, "objectStore");
    return this;
  }

  /**
   * No object store ({@code store.type=none}): stored bundles cannot be used, results are not stored.
   *
   * @return this builder
   */
  public AppleBuilder<T> noObjectStore() {
    this.objectStore = null;
    return set("store.type", "none");
  }

  /**
   * Directory for workspaces and state ({@code apple.work-dir}, default {@code ~/.berth/apple}); it is
   * bind-mounted into the VMs, so it must be on this Mac and its path free of {@code :} and {@code ,}.
   *
   * @param workDir the directory
   * @return this builder
   */
  public AppleBuilder<T> workDir(Path workDir) {
    return set(AppleSettings.WORK_DIR, workDir.toString());
  }

  /**
   * Grace between SIGTERM and SIGKILL of {@code stop(id)}, {@code restart} and {@code delete} (default 10s).
   *
   * @param grace the grace
   * @return this builder
   */
  public AppleBuilder<T> stopGrace(Duration grace) {
    return set(RuntimeConfig.STOP_GRACE, grace.toString());
  }

  /**
   * How long one CLI call may take ({@code apple.command-timeout}, default 60s).
   *
   * @param timeout the limit
   * @return this builder
   */
  public AppleBuilder<T> commandTimeout(Duration timeout) {
    return set(AppleSettings.COMMAND_TIMEOUT, timeout.toString());
  }

  /**
   * How long an image pull, or a create that pulls, may take ({@code apple.pull-timeout}, default 10m).
   *
   * @param timeout the limit
   * @return this builder
   */
  public AppleBuilder<T> pullTimeout(Duration timeout) {
    return set(AppleSettings.PULL_TIMEOUT, timeout.toString());
  }

  /**
   * Creates the runtime or runner. Does not run the CLI; {@code health()} does.
   *
   * @return the runtime or runner
   * @throws dev.berth.runtime.InvalidConfigException for an unknown or malformed setting
   */
  public T build() {
    RuntimeConfig merged = config.merge(overrides);
    AppleSettings settings = AppleSettings.from(merged, System.getenv());
    Optional<ObjectStore> store = objectStore != null ? Optional.of(objectStore) : ObjectStores.fromConfig(merged);
    Cli cli = new Cli(settings.executable(), settings.commandTimeout());
    AppleImageManager images = new AppleImageManager(cli, settings.pullTimeout());
    BooleanSupplier networks = new NetworkSupport(cli);
    CodeMaterializer materializer = new CodeMaterializer(ExtractionLimits.DEFAULTS, store);
    WorkloadCreator creator = new WorkloadCreator(settings.scope(), cli, settings.pullTimeout(), materializer, images,
        networks);
    return factory.apply(new Parts(merged, settings, cli, creator, images, networks, store));
  }

  private AppleBuilder<T> set(String key, String value) {
    overrides = overrides.with(key, Objects.requireNonNull(value, key));
    return this;
  }

  /** What both products are made of. */
  record Parts(RuntimeConfig config, AppleSettings settings, Cli cli, WorkloadCreator creator,
      AppleImageManager images, BooleanSupplier networks, Optional<ObjectStore> store) {}

  /** Whether the CLI has {@code container network}, asked once when first needed. */
  private static final class NetworkSupport implements BooleanSupplier {
    private final Cli cli;
    private volatile Boolean supported;

    NetworkSupport(Cli cli) {
      this.cli = cli;
    }

    @Override
    public boolean getAsBoolean() {
      Boolean known = supported;
      if (known == null) {
        try {
          known = AppleNetworkManager.supported(cli);
        } catch (RuntimeException e) {
          return false; // the CLI cannot be asked now: ask again next time
        }
        supported = known;
      }
      return known;
    }
  }
}
