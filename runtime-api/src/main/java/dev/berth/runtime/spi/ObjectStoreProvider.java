package dev.berth.runtime.spi;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;

/**
 * An object store kind, registered in {@code META-INF/services/dev.berth.runtime.spi.ObjectStoreProvider} of
 * its jar and found with {@link java.util.ServiceLoader} when a config names it in {@code store.type}:
 *
 * <pre>{@code
 * public final class MinioObjectStoreProvider implements ObjectStoreProvider {
 *   public String type() {
 *     return "minio";
 *   }
 *   public ObjectStore create(RuntimeConfig config) {
 *     return MinioObjectStore.fromConfig(config);
 *   }
 * }
 * }</pre>
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to construct. The
 * {@code filesystem} and {@code none} types are built into {@code berth-runtime-core} and need no provider.
 */
public interface ObjectStoreProvider {
  /** The {@code store.type} value this provider serves, lower case: {@code minio}, {@code s3}. */
  String type();

  /**
   * Creates the store from the {@code store.*} keys of {@code config}. Should not need the store to be
   * reachable yet: a runtime whose store is down at start still runs bots.
   *
   * @throws dev.berth.runtime.InvalidConfigException naming the key when a setting is missing or malformed
   */
  ObjectStore create(RuntimeConfig config);
}
