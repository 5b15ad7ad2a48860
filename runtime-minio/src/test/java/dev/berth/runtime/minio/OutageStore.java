package dev.berth.runtime.minio;

import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Counts the calls to a store, and makes each fail while {@link #down} (for stores that cannot go down). */
final class OutageStore implements ObjectStore {
  private final ObjectStore delegate;
  private final AtomicLong calls = new AtomicLong();
  private volatile boolean down;

  OutageStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  void down(boolean isDown) {
    this.down = isDown;
  }

  long calls() {
    return calls.get();
  }

  private <T> T call(Supplier<T> body) {
    calls.incrementAndGet();
    if (down) {
      throw new RuntimeOperationException("The store " + delegate + " is down (simulated outage)");
    }
    return body.get();
  }

  @Override
  public Optional<InputStream> get(String bucket, String key) {
    return call(() -> delegate.get(bucket, key));
  }

  @Override
  public void put(String bucket, String key, InputStream data, long length, String contentType) {
    call(() -> {
      delegate.put(bucket, key, data, length, contentType);
      return null;
    });
  }

  @Override
  public boolean exists(String bucket, String key) {
    return call(() -> delegate.exists(bucket, key));
  }

  @Override
  public List<ObjectInfo> list(String bucket, String prefix) {
    return call(() -> delegate.list(bucket, prefix));
  }

  @Override
  public void delete(String bucket, String key) {
    call(() -> {
      delegate.delete(bucket, key);
      return null;
    });
  }

  @Override
  public URI presignedGet(String bucket, String key, Duration expiry) {
    return call(() -> delegate.presignedGet(bucket, key, expiry));
  }

  @Override
  public URI presignedPut(String bucket, String key, Duration expiry) {
    return call(() -> delegate.presignedPut(bucket, key, expiry));
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
