package dev.berth.runtime.core.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises calls for one id while calls for different ids run in parallel; unused locks are dropped. The
 * backends that have no process-wide lock of their own (Docker, Apple, Kubernetes) guard each bot's
 * operations with one.
 */
public final class IdLocks {
  private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong released = new java.util.concurrent.atomic.AtomicLong();

  /** Runs {@code action} holding {@code id}'s lock and returns its result. */
  public <T> T with(String id, Supplier<T> action) {
    Entry entry = locks.compute(id, (key, existing) -> {
      Entry e = existing == null ? new Entry() : existing;
      e.users++;
      return e;
    });
    entry.lock.lock();
    try {
      return action.get();
    } finally {
      entry.lock.unlock();
      released.incrementAndGet();
      locks.computeIfPresent(id, (key, e) -> --e.users == 0 ? null : e);
    }
  }

  /**
   * How many guarded calls have ended so far. A reader that takes a snapshot without the locks (a list of
   * every bot) compares it before and after: when it moved, a call ended meanwhile and the snapshot may hold
   * a state halfway through it.
   */
  public long released() {
    return released.get();
  }

  /** Whether a call for {@code id} runs or waits now. */
  public boolean busy(String id) {
    return locks.containsKey(id);
  }

  /** Runs {@code action} holding {@code id}'s lock. */
  public void run(String id, Runnable action) {
    with(id, () -> {
      action.run();
      return null;
    });
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }
}
