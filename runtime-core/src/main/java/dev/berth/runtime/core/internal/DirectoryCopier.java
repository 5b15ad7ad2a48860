package dev.berth.runtime.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copies a directory bundle into a workspace through an {@link ExtractionSink}, so the same limits and rules
 * apply as for archives. Symbolic links are copied as links when they resolve inside the source directory
 * (re-pointed relative to the copy) and refused otherwise; special files are refused.
 */
final class DirectoryCopier {
  private final Path source;
  private final Path realSource;
  private final ExtractionSink sink;

  DirectoryCopier(Path source, Path target, ExtractionSink sink) throws IOException {
    this.source = source;
    this.realSource = source.toRealPath();
    this.sink = sink;
    if (target.toRealPath().startsWith(realSource)) {
      throw EntryNames.rejectBundle("the workspace " + target + " lies inside the bundle directory " + source
          + ", which would copy it into itself; put workspaces elsewhere");
    }
  }

  /** Total bytes of regular files below {@code dir}, for progress reports. */
  static long sizeOf(Path dir) {
    long[] total = {0};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          total[0] += attrs.isRegularFile() ? attrs.size() : 0;
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      return -1;
    }
    return total[0];
  }

  void copy() throws IOException {
    Files.walkFileTree(realSource, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(realSource)) {
          sink.directory(name(dir));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String name = name(file);
        if (attrs.isSymbolicLink()) {
          copyLink(file, name);
        } else if (attrs.isRegularFile()) {
          try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            sink.file(name, in, Files.isExecutable(file), null);
          }
        } else {
          sink.reject(name, "is a device file, FIFO or socket, which a bundle may not contain");
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void copyLink(Path link, String name) throws IOException {
    Path resolved;
    try {
      resolved = link.toRealPath();
    } catch (IOException e) {
      sink.reject(name, "is a symbolic link to '" + Files.readSymbolicLink(link) + "', which does not exist");
      return;
    }
    if (!resolved.startsWith(realSource)) {
      sink.reject(name, "is a symbolic link to '" + Files.readSymbolicLink(link) + "', outside the bundle "
          + "directory " + source + " (copy the file into the directory instead)");
      return;
    }
    String relative = link.getParent().relativize(resolved).toString()
        .replace(link.getFileSystem().getSeparator(), "/");
    sink.symlink(name, relative.isEmpty() ? "." : relative);
  }

  private String name(Path path) {
    return realSource.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
  }
}
