package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.Directories;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This runner's directory of spooled logs, {@code <spool>/<runner-uuid>/}, guarded by a lock on
 * {@code <runner-uuid>.lock} while the runner lives. Opening one removes the directories of runners whose
 * lock is free (they died without closing); closing removes the runner's own.
 */
final class SpoolDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpoolDirectory.class);

  private final Path dir;
  private final FileChannel lock;

  private SpoolDirectory(Path dir, FileChannel lock) {
    this.dir = dir;
    this.lock = lock;
  }

  static SpoolDirectory open(Path parent) {
    try {
      Files.createDirectories(parent);
      sweep(parent);
      String name = UUID.randomUUID().toString();
      FileChannel channel = FileChannel.open(parent.resolve(name + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      channel.lock();
      Path dir = Files.createDirectories(parent.resolve(name));
      return new SpoolDirectory(dir, channel);
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot create the backtest log spool in " + parent + ": "
          + e.getMessage() + ". Make the backend's state directory writable.", e);
    }
  }

  Path file(String backtestId) {
    return dir.resolve(backtestId + ".log");
  }

  @Override
  public void close() {
    try {
      Directories.deleteRecursively(dir);
    } catch (RuntimeOperationException e) {
      LOG.warn("Removing the backtest log spool {} failed: {}", dir, e.getMessage());
    }
    try {
      lock.close();
      Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".lock"));
    } catch (IOException e) {
      // the next runner's sweep removes it
    }
  }

  /** Removes the spools of runners that are gone. */
  private static void sweep(Path parent) throws IOException {
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path lockFile : (Iterable<Path>) entries.filter(p -> p.toString().endsWith(".lock"))::iterator) {
        String name = lockFile.getFileName().toString();
        Path spool = parent.resolve(name.substring(0, name.length() - ".lock".length()));
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
          FileLock held = channel.tryLock();
          if (held == null) {
            continue;
          }
          Directories.deleteRecursively(spool);
          Files.deleteIfExists(lockFile);
        } catch (OverlappingFileLockException | IOException | RuntimeOperationException e) {
          // a live runner of this JVM, or gone meanwhile
        }
      }
    }
  }
}
