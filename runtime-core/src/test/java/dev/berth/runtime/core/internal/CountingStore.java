package dev.berth.runtime.core.internal;

import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.testkit.MockObjectStore;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** A MockObjectStore that counts stats and gets, and lets a test change what a get returns. */
final class CountingStore implements ObjectStore {
  final MockObjectStore delegate = new MockObjectStore();
  final AtomicInteger stats = new AtomicInteger();
  final AtomicInteger gets = new AtomicInteger();
  volatile UnaryOperator<InputStream> onGet = UnaryOperator.identity();
  volatile Runnable beforeGet = () -> { };

  @Override
  public Optional<InputStream> get(String bucket, String key) {
    gets.incrementAndGet();
    beforeGet.run();
    return delegate.get(bucket, key).map(onGet);
  }

  @Override
  public Optional<ObjectInfo> stat(String bucket, String key) {
    stats.incrementAndGet();
    return delegate.stat(bucket, key);
  }

  @Override
  public void put(String bucket, String key, InputStream data, long length, String contentType) {
    delegate.put(bucket, key, data, length, contentType);
  }

  @Override
  public boolean exists(String bucket, String key) {
    return delegate.exists(bucket, key);
  }

  @Override
  public List<ObjectInfo> list(String bucket, String prefix) {
    return delegate.list(bucket, prefix);
  }

  @Override
  public void delete(String bucket, String key) {
    delegate.delete(bucket, key);
  }

  @Override
  public URI presignedGet(String bucket, String key, Duration expiry) {
    return delegate.presignedGet(bucket, key, expiry);
  }

  @Override
  public URI presignedPut(String bucket, String key, Duration expiry) {
    return delegate.presignedPut(bucket, key, expiry);
  }
}
