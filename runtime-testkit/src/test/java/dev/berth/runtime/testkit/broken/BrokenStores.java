package dev.berth.runtime.testkit.broken;

import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.testkit.MockObjectStore;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Object stores that each break one rule; the kit must reject every one of them. */
final class BrokenStores {
  private BrokenStores() {}

  /** Forwards every call to a correct MockObjectStore. */
  abstract static class Forwarding implements ObjectStore {
    final MockObjectStore delegate = new MockObjectStore();

    @Override
    public Optional<InputStream> get(String bucket, String key) {
      return delegate.get(bucket, key);
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

  /** list returns objects newest-key first. */
  static final class ListNotSorted extends Forwarding {
    @Override
    public List<ObjectInfo> list(String bucket, String prefix) {
      List<ObjectInfo> listed = new ArrayList<>(delegate.list(bucket, prefix));
      Collections.reverse(listed);
      return listed;
    }
  }

  /** put deletes the old object first, so readers can see it missing. */
  static final class OverwriteNotAtomic extends Forwarding {
    @Override
    public void put(String bucket, String key, InputStream data, long length, String contentType) {
      delegate.delete(bucket, key);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      delegate.put(bucket, key, data, length, contentType);
    }
  }

  /** The content tag names the key, not the content: a cache keyed by it would serve replaced code. */
  static final class EtagIgnoresContent extends Forwarding {
    @Override
    public Optional<ObjectInfo> stat(String bucket, String key) {
      return delegate.stat(bucket, key).map(info -> new ObjectInfo(bucket, key, info.size(), info.lastModified(),
          Optional.of(Integer.toHexString(key.hashCode()))));
    }
  }

  /** Keys with '..' or a leading '/' are quietly "fixed" instead of rejected. */
  static final class AcceptsTraversalKeys extends Forwarding {
    private static String fix(String key) {
      String fixed = key.replace("..", "__").replace("/./", "/").replaceAll("^/+", "").replaceAll("^\\./", "");
      return fixed.isEmpty() || fixed.equals(".") ? "_" : fixed;
    }

    @Override
    public Optional<InputStream> get(String bucket, String key) {
      return delegate.get(bucket, fix(key));
    }

    @Override
    public void put(String bucket, String key, InputStream data, long length, String contentType) {
      delegate.put(bucket, fix(key), data, length, contentType);
    }

    @Override
    public boolean exists(String bucket, String key) {
      return delegate.exists(bucket, fix(key));
    }

    @Override
    public void delete(String bucket, String key) {
      delegate.delete(bucket, fix(key));
    }

    @Override
    public URI presignedGet(String bucket, String key, Duration expiry) {
      return delegate.presignedGet(bucket, fix(key), expiry);
    }
  }
}
