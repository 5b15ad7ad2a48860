package dev.berth.runtime.core;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.ObjectStoreProvider;
import dev.berth.runtime.testkit.MockObjectStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A provider of type {@code recording}, registered in the test class path, that remembers the configs it got. */
public final class RecordingObjectStoreProvider implements ObjectStoreProvider {
  static final List<RuntimeConfig> CONFIGS = new CopyOnWriteArrayList<>();

  @Override
  public String type() {
    return "recording";
  }

  @Override
  public ObjectStore create(RuntimeConfig config) {
    CONFIGS.add(config);
    return new MockObjectStore();
  }
}
