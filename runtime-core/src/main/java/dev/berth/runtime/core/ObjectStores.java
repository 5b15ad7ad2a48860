package dev.berth.runtime.core;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds the object store a runtime's config asks for: the one rule every backend's builder and
 * {@code fromConfig} follow.
 *
 * <ul>
 *   <li>{@code store.type=filesystem} (the default): a {@link FileSystemObjectStore} in {@code store.root},
 *       default {@code ~/.berth/store} (created on the first write);
 *   <li>{@code store.type=none}: no store; bots still run, but logs are not shipped, stored bundles cannot
 *       be used and backtest results are not stored;
 *   <li>{@code store.type=minio}: not built into this module; construct the MinIO store from
 *       {@code berth-runtime-minio} and pass it to the backend's builder.
 * </ul>
 *
 * <pre>{@code
 * Optional<ObjectStore> store = ObjectStores.fromConfig(RuntimeConfig.fromEnvironment());  // BERTH_STORE_TYPE=none
 * }</pre>
 */
public final class ObjectStores {
  /** The store directory when {@code store.root} is not set. */
  public static final Path DEFAULT_ROOT = Path.of(System.getProperty("user.home"), ".berth", "store");

  private ObjectStores() {}

  /**
   * The store configured by {@code store.type} and {@code store.root}.
   *
   * @throws InvalidConfigException for an unknown or unsupported {@code store.type}
   */
  public static Optional<ObjectStore> fromConfig(RuntimeConfig config) {
    String type = config.get("store.type", "filesystem").trim().toLowerCase(Locale.ROOT);
    switch (type) {
      case "filesystem":
        return Optional.of(new FileSystemObjectStore(config.getPath("store.root").orElse(DEFAULT_ROOT)));
      case "none":
        return Optional.empty();
      case "minio":
      case "s3":
        throw new InvalidConfigException("store.type", "Config key 'store.type' = '" + type + "' is not "
            + "supported by berth-runtime-core; build the store with berth-runtime-minio (MinioObjectStore) "
            + "and pass it to the runtime's builder, or use filesystem or none");
      default:
        throw new InvalidConfigException("store.type", "Config key 'store.type' = '" + type + "' is unknown; "
            + "use filesystem, none or minio");
    }
  }
}
