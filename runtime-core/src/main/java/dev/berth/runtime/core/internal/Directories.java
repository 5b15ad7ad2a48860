package dev.berth.runtime.core.internal;

import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * File tree helpers that never follow symbolic links, so a workload's symlink can never make Berth delete
 * or read files outside the tree it was given.
 */
public final class Directories {
  private Directories() {}

  /**
   * Deletes {@code dir} and everything below it, including directories a workload made read-only; a
   * missing directory is fine.
   *
   * @throws RuntimeOperationException naming the directory when something cannot be deleted
   */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path path, BasicFileAttributes attrs) {
          makeWritable(path); // a workload may have made its directories read-only
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          if (e instanceof AccessDeniedException) {
            // an unreadable directory: make it accessible and delete it on its own
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
              if (!makeWritable(file)) {
                throw e;
              }
              deleteRecursively(file);
            } else {
              Files.deleteIfExists(file);
            }
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path path, IOException e) throws IOException {
          if (e != null && !(e instanceof NoSuchFileException)) {
            throw e;
          }
          Files.deleteIfExists(path);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new RuntimeOperationException("Deleting " + dir + " failed (" + e + "); remove it by hand "
          + "and check its permissions", e);
    }
  }

  /** Adds owner rwx; true if the permissions changed. */
  private static boolean makeWritable(Path dir) {
    try {
      Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
      perms.addAll(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
      if (perms.addAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE))) {
        Files.setPosixFilePermissions(dir, perms);
        return true;
      }
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the delete reports the real problem
    }
    return false;
  }

  /** True when {@code dir} does not exist or is an empty directory. */
  static boolean isAbsentOrEmpty(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
