package dev.berth.runtime.core;

import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Wraps a store: counts calls per operation, records the largest object written, and fails on demand. */
final class ScriptedStore implements ObjectStore {
  enum Op { GET, PUT, EXISTS, LIST, DELETE }

  private record Failure(Op op, Predicate<String> keys, AtomicInteger remaining) {}

  private final ObjectStore delegate;
  private final Map<Op, AtomicLong> calls = new ConcurrentHashMap<>();
  private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
  private final List<Runnable> afterPut = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong largestPut = new AtomicLong();
  private volatile boolean down;

  ScriptedStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** The next {@code times} calls of {@code op} on a key {@code keys} accepts throw. */
  ScriptedStore failNext(Op op, Predicate<String> keys, int times) {
    failures.add(new Failure(op, keys, new AtomicInteger(times)));
    return this;
  }

  /** Every call fails until {@link #up()}. */
  ScriptedStore down() {
    down = true;
    return this;
  }

  ScriptedStore up() {
    down = false;
    return this;
  }

  ScriptedStore afterEveryPut(Runnable action) {
    afterPut.add(action);
    return this;
  }

  long calls(Op op) {
    return calls.computeIfAbsent(op, o -> new AtomicLong()).get();
  }

  long totalCalls() {
    return calls.values().stream().mapToLong(AtomicLong::get).sum();
  }

  long largestPut() {
    return largestPut.get();
  }

  private void enter(Op op, String key) {
    calls.computeIfAbsent(op, o -> new AtomicLong()).incrementAndGet();
    if (down) {
      throw new RuntimeOperationException("Simulated outage: the store does not answer (" + op + " " + key + ")");
    }
    synchronized (failures) {
      for (Failure failure : failures) {
        if (failure.op() == op && failure.keys().test(key) && failure.remaining().getAndDecrement() > 0) {
          throw new RuntimeOperationException("Simulated failure of " + op + " " + key);
        }
      }
    }
  }

  @Override
  public Optional<InputStream> get(String bucket, String key) {
    enter(Op.GET, key);
    return delegate.get(bucket, key);
  }

  @Override
  public void put(String bucket, String key, InputStream data, long length, String contentType) {
    enter(Op.PUT, key);
    try {
      byte[] bytes = data.readAllBytes();
      largestPut.accumulateAndGet(bytes.length, Math::max);
      delegate.put(bucket, key, bytes, contentType);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    afterPut.forEach(Runnable::run);
  }

  @Override
  public boolean exists(String bucket, String key) {
    enter(Op.EXISTS, key);
    return delegate.exists(bucket, key);
  }

  @Override
  public List<ObjectInfo> list(String bucket, String prefix) {
    enter(Op.LIST, prefix);
    return delegate.list(bucket, prefix);
  }

  @Override
  public void delete(String bucket, String key) {
    enter(Op.DELETE, key);
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

  @Override
  public String toString() {
    return "ScriptedStore[" + delegate + "]";
  }
}
