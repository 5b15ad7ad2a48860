package dev.berth.runtime.testkit;

import dev.berth.runtime.ObjectStore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The rules every {@link ObjectStore} must follow, as JUnit 5 tests:
 *
 * <pre>{@code
 * class FileSystemObjectStoreConformanceTest extends ObjectStoreConformanceKit {
 *   @TempDir Path root;
 *   protected ObjectStore newStore() {
 *     return new FileSystemObjectStore(root);
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class ObjectStoreConformanceKit {
  /** A fresh, empty store. */
  protected abstract ObjectStore newStore();

  /** The kit's waits; override to pin a factor instead of reading {@code BERTH_TCK_TIMEOUT_FACTOR}. */
  protected KitTimeouts timeouts() {
    return KitTimeouts.fromEnvironment();
  }
}
