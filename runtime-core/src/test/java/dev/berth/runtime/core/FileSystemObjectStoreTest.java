package dev.berth.runtime.core;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.testkit.ObjectStoreConformanceKit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file system store passes the shared object store contract. */
class FileSystemObjectStoreTest extends ObjectStoreConformanceKit {
  @TempDir Path root;

  @Override
  protected ObjectStore newStore() {
    return new FileSystemObjectStore(root);
  }
}
