package dev.berth.runtime.core.internal;

import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.testkit.MockObjectStore;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A MockObjectStore that counts calls, lets a test change what a get returns, and can be down: then every
 * call fails as an unreachable S3 server's would.
 */
public class CountingStore implements ObjectStore {
  public final MockObjectStore delegate = new MockObjectStore();
  public final AtomicInteger stats = new AtomicInteger();
  public final AtomicInteger gets = new AtomicInteger();
  public final AtomicInteger puts = new AtomicInteger();
  public final AtomicInteger probes = new AtomicInteger();
  public volatile boolean down;
  volatile UnaryOperator<InputStream> onGet = UnaryOperator.identity();
  volatile Runnable beforeGet = () -> { };

  private void checkUp() {
    if (down) {
      throw new RuntimeUnavailableException("the S3 store is not reachable at http://127.0.0.1:9 (connection "
          + "refused)");
    }
  }

  @Override
  public Optional<InputStream> get(String bucket, String key) {
    gets.incrementAndGet();
    checkUp();
    beforeGet.run();
    return delegate.get(bucket, key).map(onGet);
  }

  @Override
  public Optional<ObjectInfo> stat(String bucket, String key) {
    stats.incrementAndGet();
    checkUp();
    return delegate.stat(bucket, key);
  }

  @Override
  public void put(String bucket, String key, InputStream data, long length, String contentType) {
    puts.incrementAndGet();
    checkUp();
    delegate.put(bucket, key, data, length, contentType);
  }

  @Override
  public boolean exists(String bucket, String key) {
    probes.incrementAndGet();
    checkUp();
    return delegate.exists(bucket, key);
  }

  @Override
  public List<ObjectInfo> list(String bucket, String prefix) {
    checkUp();
    return delegate.list(bucket, prefix);
  }

  @Override
  public void delete(String bucket, String key) {
    checkUp();
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
