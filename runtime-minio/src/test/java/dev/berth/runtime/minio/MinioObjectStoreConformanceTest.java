package dev.berth.runtime.minio;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.testkit.ObjectStoreConformanceKit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store kit against an S3 server in this JVM. Each test gets its own physical buckets behind the logical
 * ones, so every store starts empty and the bucket mapping is exercised by every test.
 */
class MinioObjectStoreConformanceTest extends ObjectStoreConformanceKit {
  private static final AtomicInteger STORES = new AtomicInteger();
  private static final List<MinioObjectStore> OPENED = new CopyOnWriteArrayList<>();
  private static S3TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.inMemory();
  }

  @AfterAll
  static void stopServer() {
    OPENED.forEach(MinioObjectStore::close);
    server.close();
  }

  @Override
  protected ObjectStore newStore() {
    int n = STORES.incrementAndGet();
    MinioObjectStore store = server.store().codeBucket("kit-code-" + n).resultsBucket("kit-results-" + n)
        .logsBucket("kit-logs-" + n).build();
    OPENED.add(store);
    return store;
  }
}
