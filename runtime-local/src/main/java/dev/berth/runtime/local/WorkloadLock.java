package dev.berth.runtime.local;

import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises every change to one workload directory, within this JVM and across JVMs.
 *
 * <p>Inside the JVM a {@link ReentrantLock} per directory, shared by every runtime instance (so two runtimes
 * of one scope in one JVM never race); across JVMs an exclusive {@link FileLock} on {@code <dir>/.lock},
 * taken while holding the in-JVM lock (a JVM may hold a file lock only once). The OS drops file locks of a
 * dead JVM, so a crash never leaves a workload locked.
 */
final class WorkloadLock {
  /** Lock entries are reference counted so that the map holds only directories someone is using. */
  private static final ConcurrentHashMap<Path, Entry> LOCKS = new ConcurrentHashMap<>();

  private static final class Entry {
    // Fair: a reader waiting for a log lock gets it between the steps of a long copy (tryLock still barges).
    final ReentrantLock lock = new ReentrantLock(true);
    int users; // guarded by the map's compute
  }

  private WorkloadLock() {}

  /** A held lock; closing it releases both levels. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Blocks until the workload in {@code dir} is locked. When the directory does not exist (a workload that
   * is unknown or was just deleted) only the in-JVM level is taken; callers re-check existence under the lock.
   */
  static Held lock(Path dir) {
    Entry entry = use(dir);
    entry.lock.lock();
    return fileLock(dir, entry, true).orElseThrow();
  }

  /** Creates {@code dir} if needed (for a workload being created) and locks it on both levels. */
  static Held lockCreating(Path dir) {
    Entry entry = use(dir);
    entry.lock.lock();
    try {
      PrivateDirectories.create(dir);
    } catch (IOException e) {
      entry.lock.unlock();
      release(dir);
      throw new RuntimeOperationException("Creating " + dir + " failed: " + e.getMessage()
          + ". Check that the local runtime's state directory is writable.", e);
    }
    return fileLock(dir, entry, true).orElseThrow();
  }

  /** Locks without waiting, or empty when another thread or JVM holds the lock. */
  static Optional<Held> tryLock(Path dir) {
    Entry entry = use(dir);
    if (!entry.lock.tryLock()) {
      release(dir);
      return Optional.empty();
    }
    return fileLock(dir, entry, false);
  }

  /** Whether the current thread holds the lock of {@code dir}. */
  static boolean isHeldByCurrentThread(Path dir) {
    Entry entry = LOCKS.get(dir);
    return entry != null && entry.lock.isHeldByCurrentThread();
  }

  private static Entry use(Path dir) {
    return LOCKS.compute(dir, (key, entry) -> {
      Entry used = entry == null ? new Entry() : entry;
      used.users++;
      return used;
    });
  }

  private static void release(Path dir) {
    LOCKS.compute(dir, (key, entry) -> entry == null || --entry.users == 0 ? null : entry);
  }

  private static Optional<Held> fileLock(Path dir, Entry entry, boolean wait) {
    ReentrantLock lock = entry.lock;
    Runnable unlock = () -> {
      lock.unlock();
      release(dir);
    };
    if (lock.getHoldCount() > 1) {
      return Optional.of(unlock::run); // re-entered: the file lock is already ours
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fileLock = wait ? channel.lock() : channel.tryLock();
      if (fileLock == null) {
        channel.close();
        unlock.run();
        return Optional.empty();
      }
      FileChannel held = channel;
      return Optional.of(() -> {
        try {
          held.close(); // releases the file lock
        } catch (IOException ignored) {
          // closing a lock file cannot lose data
        } finally {
          unlock.run();
        }
      });
    } catch (NoSuchFileException e) {
      // The directory does not exist (not created yet, or deleted): the in-JVM lock alone serialises.
      closeQuietly(channel);
      return Optional.of(unlock::run);
    } catch (IOException e) {
      closeQuietly(channel);
      unlock.run();
      throw new RuntimeOperationException("Locking " + dir + " failed: " + e.getMessage()
          + ". Check that the local runtime's state directory is writable.", e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to release
      }
    }
  }
}
