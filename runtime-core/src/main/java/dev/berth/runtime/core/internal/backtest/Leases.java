package dev.berth.runtime.core.internal.backtest;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Which runner owns a backtest: the runner holds an exclusive lock on {@code <dir>/<id>.lease} while it sees
 * the backtest through. The operating system drops the lock when the JVM dies, so a runner that finds a
 * workload whose lease it can take knows that no live runner on this host looks after it.
 *
 * <p>Lease files stay on disk (deleting one another runner is about to lock would split the lease in two);
 * they are empty and one per id.
 */
final class Leases {
  private final Path dir;

  Leases(Path dir) {
    this.dir = dir;
  }

  /** A held lease. */
  static final class Lease implements AutoCloseable {
    private final FileChannel channel;

    private Lease(FileChannel channel) {
      this.channel = channel;
    }

    /** Releases the lease; idempotent. */
    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing releases the lock whatever the error
      }
    }
  }

  /** The lease of {@code id}, or empty when a live runner (of this JVM or another) holds it. */
  Optional<Lease> tryAcquire(String id) {
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(dir.resolve(id + ".lease"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return Optional.of(new Lease(channel));
      }
    } catch (OverlappingFileLockException | IOException e) {
      // held by this JVM, or not lockable: either way not ours
    }
    if (channel != null) {
      new Lease(channel).close();
    }
    return Optional.empty();
  }

  /** Deletes the lease file of a backtest that is gone for good; only while holding its lease. */
  void forget(String id, Lease held) {
    try {
      Files.deleteIfExists(dir.resolve(id + ".lease"));
    } catch (IOException e) {
      // an empty file left behind costs nothing
    } finally {
      held.close();
    }
  }
}
