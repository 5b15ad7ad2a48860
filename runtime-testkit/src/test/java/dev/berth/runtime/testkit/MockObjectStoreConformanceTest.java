package dev.berth.runtime.testkit;

import dev.berth.runtime.ObjectStore;

/** MockObjectStore passes the store kit. */
class MockObjectStoreConformanceTest extends ObjectStoreConformanceKit {
  @Override
  protected ObjectStore newStore() {
    return new MockObjectStore();
  }
}
