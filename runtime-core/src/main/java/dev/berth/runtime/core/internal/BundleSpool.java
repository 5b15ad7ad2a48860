package dev.berth.runtime.core.internal;

import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies a streamed bundle (e.g. from an object store) to a temporary file readable only by this user, so it
 * can be counted before extraction like a local archive. The copy stops at a byte cap: a hostile stream cannot
 * fill the temporary directory. The file's name carries the JVM's pid: a JVM killed while it spooled leaves its
 * file behind, and the next spool in any JVM removes the files of pids that no longer run.
 */
final class BundleSpool {
  private static final String PREFIX = "berth-bundle-";
  private static final String SUFFIX = ".part";

  private BundleSpool() {}

  /**
   * Copies {@code in} to a new temporary file and returns it; the caller deletes it with {@link #delete}.
   *
   * @throws dev.berth.runtime.InvalidSpecException when the stream holds more than {@code maxBytes}
   * @throws RuntimeOperationException when reading the stream or writing the file fails
   */
  static Path copy(InputStream in, String subject, long maxBytes, ProgressTracker progress) {
    Path spool;
    try {
      spool = Files.createTempFile(PREFIX + ProcessHandle.current().pid() + "-", SUFFIX);
      removeLeftoversOfDeadJvms(spool.getParent());
    } catch (IOException e) {
      throw new RuntimeOperationException("Creating a temporary file for code bundle '" + subject + "' failed ("
          + e + "); check java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + "), its space and permissions",
          e);
    }
    try (OutputStream out = Files.newOutputStream(spool)) {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      for (int n = read(in, subject, buffer); n >= 0; n = read(in, subject, buffer)) {
        total += n;
        if (total > maxBytes) {
          throw EntryNames.rejectBundle("'" + subject + "' is larger than " + maxBytes + " bytes (too many bytes); "
              + "make the bundle smaller");
        }
        out.write(buffer, 0, n);
        progress.update();
      }
      return spool;
    } catch (IOException e) {
      delete(spool);
      throw new RuntimeOperationException("Copying code bundle '" + subject + "' to " + spool + " failed (" + e
          + "); check the free space of java.io.tmpdir", e);
    } catch (RuntimeException e) {
      delete(spool);
      throw e;
    }
  }

  /** Deletes the spool files of JVMs that died while spooling; a file that cannot be deleted is left alone. */
  static void removeLeftoversOfDeadJvms(Path dir) {
    try (DirectoryStream<Path> spools = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path spool : spools) {
        String name = spool.getFileName().toString();
        int end = name.indexOf('-', PREFIX.length());
        if (end < 0) {
          continue;
        }
        try {
          long pid = Long.parseLong(name.substring(PREFIX.length(), end));
          if (ProcessHandle.of(pid).isEmpty()) {
            Files.deleteIfExists(spool);
          }
        } catch (NumberFormatException | IOException e) {
          // not one of ours, or another user's: leave it
        }
      }
    } catch (IOException | RuntimeException e) {
      // the temporary directory cannot be listed: nothing to sweep
    }
  }

  static void delete(Path spool) {
    try {
      Files.deleteIfExists(spool);
    } catch (IOException e) {
      throw new RuntimeOperationException("Deleting the temporary copy " + spool + " of a code bundle failed ("
          + e + "); remove it by hand", e);
    }
  }

  private static int read(InputStream in, String subject, byte[] buffer) {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading code bundle '" + subject + "' failed (" + e + "); check that "
          + "the object store is reachable and the object is complete", e);
    }
  }
}
