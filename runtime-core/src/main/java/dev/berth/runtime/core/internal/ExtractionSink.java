package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Writes the entries of a bundle into a target directory while enforcing {@link ExtractionLimits} and the
 * path rules. Never writes through a symbolic link: every parent directory of an entry is checked without
 * following links, and files are created with {@code CREATE_NEW} and {@code NOFOLLOW_LINKS}. Symbolic links
 * are checked lexically when they are created and, once every entry is written, by resolving them against
 * the files on disk ({@link #finish()}), which catches links that escape through other links.
 */
final class ExtractionSink {
  private static final int MAX_LINK_HOPS = 40;

  private final Path target;
  private final ExtractionLimits limits;
  private final LongSupplier compressedBytes;
  private final ProgressTracker progress;
  private final List<String> symlinks = new ArrayList<>();
  private final byte[] buffer = new byte[64 * 1024];
  private int entries;
  private long totalBytes;

  /**
   * @param target an existing, empty directory
   * @param compressedBytes compressed bytes consumed so far, or {@code null} when the source is not compressed
   */
  ExtractionSink(Path target, ExtractionLimits limits, LongSupplier compressedBytes, ProgressTracker progress) {
    this.target = target;
    this.limits = limits;
    this.compressedBytes = compressedBytes;
    this.progress = progress;
  }

  int entries() {
    return entries;
  }

  long totalBytes() {
    return totalBytes;
  }

  void directory(String name) throws IOException {
    List<String> segments = admit(name);
    Path dir = prepareParents(name, segments, segments.size());
    if (segments.isEmpty()) {
      return;
    }
    if (Files.isSymbolicLink(dir) || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir,
        LinkOption.NOFOLLOW_LINKS))) {
      throw EntryNames.reject(name, "is a directory where the archive already has a file or link of that name");
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(dir);
    }
  }

  /**
   * Writes a regular file from {@code data} (not closed), counting the bytes actually read.
   *
   * @param entryCompressed compressed bytes of this entry so far, or {@code null} if unknown
   */
  void file(String name, InputStream data, boolean executable, LongSupplier entryCompressed) throws IOException {
    Path file = replaceable(name, admit(name));
    long entryBytes = 0;
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      while (true) {
        int n = read(data);
        if (n < 0) {
          break;
        }
        entryBytes += n;
        totalBytes += n;
        checkLimits(name, entryBytes, entryCompressed);
        out.write(buffer, 0, n);
        progress.update();
      }
    }
    setMode(file, executable);
  }

  void symlink(String name, String linkTarget) throws IOException {
    List<String> segments = admit(name);
    if (segments.isEmpty()) {
      throw EntryNames.reject(name, "is a symbolic link in place of the workspace itself");
    }
    EntryNames.checkSymlinkTarget(name, segments, linkTarget);
    Path link = replaceable(name, segments);
    Files.createSymbolicLink(link, Path.of(linkTarget));
    symlinks.add(name);
  }

  /** Materialises a hard link as a copy of a regular file extracted earlier. */
  void hardlink(String name, String linkTarget) throws IOException {
    List<String> source;
    try {
      source = EntryNames.segments(linkTarget);
    } catch (InvalidSpecException e) {
      entries++;
      throw EntryNames.reject(name, "is a hard link to '" + EntryNames.printable(linkTarget) + "', outside the "
          + "workspace");
    }
    Path sourceFile = existingFile(source);
    if (sourceFile == null) {
      entries++;
      throw EntryNames.reject(name, "is a hard link to '" + EntryNames.printable(linkTarget)
          + "', which is not a regular file earlier in the archive");
    }
    boolean executable = Files.isExecutable(sourceFile);
    try (InputStream in = Files.newInputStream(sourceFile, LinkOption.NOFOLLOW_LINKS)) {
      file(name, in, executable, null);
    }
  }

  /** The regular file at {@code segments}, reached through real directories only, or {@code null}. */
  private Path existingFile(List<String> segments) {
    Path current = target;
    for (int i = 0; i < segments.size(); i++) {
      current = current.resolve(segments.get(i));
      boolean last = i == segments.size() - 1;
      if (last ? !Files.isRegularFile(current, LinkOption.NOFOLLOW_LINKS)
          : !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
    }
    return segments.isEmpty() ? null : current;
  }

  /** Counts and rejects an entry of a kind that is never extracted. */
  void reject(String name, String rule) {
    admit(name);
    throw EntryNames.reject(name, rule);
  }

  /** Verifies every symbolic link against the extracted tree. */
  void finish() throws IOException {
    for (String name : symlinks) {
      List<String> segments = EntryNames.segments(name);
      if (!Files.isSymbolicLink(path(segments))) {
        continue; // a later entry of the same name replaced the link
      }
      if (!resolvesInside(segments)) {
        throw EntryNames.reject(name, "is a symbolic link that resolves outside the workspace through other links "
            + "(or loops)");
      }
    }
    progress.done();
  }

  private List<String> admit(String name) {
    if (++entries > limits.maxEntries()) {
      throw EntryNames.reject(name, "exceeds the limit of " + limits.maxEntries() + " entries (too many entries)");
    }
    return EntryNames.segments(name);
  }

  /**
   * Creates the missing parents of the first {@code depth - 1} segments (or all but the last when
   * {@code depth} is 0) without following links and returns the entry's path.
   */
  private Path prepareParents(String name, List<String> segments, int depth) throws IOException {
    int parents = depth == 0 ? segments.size() - 1 : depth - 1;
    Path current = target;
    for (int i = 0; i < parents; i++) {
      current = current.resolve(segments.get(i));
      if (Files.isSymbolicLink(current)) {
        throw EntryNames.reject(name, "would be written through the symbolic link '" + String.join("/",
            segments.subList(0, i + 1)) + "'");
      }
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(current);
      } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        throw EntryNames.reject(name, "needs '" + String.join("/", segments.subList(0, i + 1))
            + "' to be a directory, but the archive made it a file");
      }
    }
    return segments.isEmpty() ? target : current.resolve(segments.get(segments.size() - 1));
  }

  /** The path for a file or link entry; an earlier file or link of the same name is replaced (tar semantics). */
  private Path replaceable(String name, List<String> segments) throws IOException {
    if (segments.isEmpty()) {
      throw EntryNames.reject(name, "names the workspace itself, not a file");
    }
    Path path = prepareParents(name, segments, 0);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw EntryNames.reject(name, "is a file where the archive already has a directory of that name");
    }
    Files.deleteIfExists(path); // deletes a link itself, never its target
    return path;
  }

  private int read(InputStream data) throws IOException {
    try {
      return data.read(buffer);
    } catch (IOException e) {
      throw new ArchiveReadException(e);
    }
  }

  private void checkLimits(String name, long entryBytes, LongSupplier entryCompressed) {
    if (totalBytes > limits.maxTotalBytes()) {
      throw EntryNames.reject(name, "takes the bundle past the limit of " + limits.maxTotalBytes()
          + " bytes in all (too many bytes)");
    }
    if (entryCompressed != null && entryBytes > ExtractionLimits.RATIO_GRACE_BYTES
        && entryBytes > limits.maxCompressionRatio() * Math.max(1, entryCompressed.getAsLong())) {
      throw EntryNames.reject(name, "expands more than " + limits.maxCompressionRatio()
          + " times its compressed size (compression ratio limit; a zip bomb?)");
    }
    if (compressedBytes != null && totalBytes > ExtractionLimits.RATIO_GRACE_BYTES
        && totalBytes > limits.maxCompressionRatio() * Math.max(1, compressedBytes.getAsLong())) {
      throw EntryNames.reject(name, "takes the archive past " + limits.maxCompressionRatio()
          + " times its compressed size (compression ratio limit; a zip bomb?)");
    }
  }

  private static void setMode(Path file, boolean executable) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: the default permissions apply
    }
  }

  /** Resolves a link the way the OS would, step by step, never letting the path climb above the target. */
  private boolean resolvesInside(List<String> linkSegments) throws IOException {
    List<String> current = new ArrayList<>(linkSegments.subList(0, linkSegments.size() - 1));
    java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>();
    pushFront(pending, Files.readSymbolicLink(path(linkSegments)).toString());
    int hops = 0;
    while (!pending.isEmpty()) {
      String segment = pending.pollFirst();
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (current.isEmpty()) {
          return false;
        }
        current.remove(current.size() - 1);
        continue;
      }
      current.add(segment);
      Path path = path(current);
      if (Files.isSymbolicLink(path)) {
        if (++hops > MAX_LINK_HOPS) {
          return false;
        }
        String next = Files.readSymbolicLink(path).toString();
        if (next.startsWith("/") || next.indexOf('\\') >= 0) {
          return false;
        }
        current.remove(current.size() - 1);
        pushFront(pending, next);
      }
    }
    return true;
  }

  private Path path(List<String> segments) {
    Path path = target;
    for (String segment : segments) {
      path = path.resolve(segment);
    }
    return path;
  }

  private static void pushFront(java.util.ArrayDeque<String> pending, String linkTarget) {
    String[] parts = linkTarget.split("/", -1);
    for (int i = parts.length - 1; i >= 0; i--) {
      pending.addFirst(parts[i]);
    }
  }

  /** Marks a failure to read the archive (corrupt or truncated), as opposed to a failure to write. */
  static final class ArchiveReadException extends IOException {
    private static final long serialVersionUID = 1L;

    ArchiveReadException(IOException cause) {
      super(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
    }
  }
}
