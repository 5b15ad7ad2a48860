package dev.berth.runtime.core;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.ObjectKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link ObjectStore} in a directory: {@code <root>/<bucket>/<key>}, one file per object, so stored code
 * and results are plain files an operator can inspect. The embedded default; needs no server.
 *
 * <p>Writes go to a temporary file in the object's directory and are moved into place atomically, so readers
 * see the old or the new object, never a part. Keys and bucket names are validated ({@code ..}, absolute
 * paths, backslashes, NUL and empty segments are refused with {@link InvalidSpecException}). Presigned URLs
 * are {@code file:} URIs of the object's path and do not expire. One object's key cannot be a directory of
 * another's ({@code a} and {@code a/b}): a file system cannot hold both. The logical buckets
 * ({@link ObjectStore#CODE_BUCKET} etc.) may be given other directory names, as a MinIO store maps them to
 * other buckets ({@code store.code-bucket}, {@code store.results-bucket}, {@code store.logs-bucket}).
 *
 * <pre>{@code
 * ObjectStore store = new FileSystemObjectStore(Path.of(System.getProperty("user.home"), ".berth", "store"));
 * }</pre>
 */
public final class FileSystemObjectStore implements ObjectStore {
  private static final int PUT_ATTEMPTS = 5;

  private final Path root;
  private final Map<String, String> buckets;

  /** A store in {@code root}, created on first write. */
  public FileSystemObjectStore(Path root) {
    this(root, Map.of());
  }

  /**
   * A store in {@code root} whose buckets named in {@code buckets} live in other directories, e.g.
   * {@code Map.of(ObjectStore.RESULTS_BUCKET, "team-a-results")}; listings report the bucket asked for.
   *
   * @throws InvalidSpecException when a directory name is not a valid bucket name
   */
  public FileSystemObjectStore(Path root, Map<String, String> buckets) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    buckets.values().forEach(ObjectKeys::bucket);
    this.buckets = Map.copyOf(buckets);
  }

  /** The directory holding one sub-directory per bucket. */
  public Path root() {
    return root;
  }

  @Override
  public Optional<InputStream> get(String bucket, String key) {
    Path file = file(bucket, key);
    if (Files.isDirectory(file)) {
      return Optional.empty(); // a prefix of other keys, not an object (Linux would open it)
    }
    try {
      return Optional.of(Files.newInputStream(file));
    } catch (IOException e) {
      if (!Files.isRegularFile(file)) {
        return Optional.empty(); // missing, or a parent is an object ("Not a directory")
      }
      throw failure("reading", bucket, key, e);
    }
  }

  @Override
  public void put(String bucket, String key, InputStream data, long length, String contentType) {
    Objects.requireNonNull(data, "data");
    Path file = file(bucket, key);
    for (int attempt = 1; ; attempt++) {
      try {
        write(file, data, length, bucket, key);
        return;
      } catch (NoSuchFileException e) {
        // a concurrent delete removed the (then empty) directory between creating it and writing: retry
        if (attempt == PUT_ATTEMPTS) {
          throw failure("writing", bucket, key, e);
        }
      } catch (IOException e) {
        throw failure("writing", bucket, key, e);
      }
    }
  }

  private void write(Path file, InputStream data, long length, String bucket, String key) throws IOException {
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw conflict(bucket, key);
    }
    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      throw conflict(bucket, key);
    }
    Path temp = dir.resolve(ObjectKeys.TEMP_PREFIX + UUID.randomUUID());
    try {
      long written;
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
        written = data.transferTo(out);
      }
      if (length >= 0 && written != length) {
        throw new RuntimeOperationException("Storing " + bucket + "/" + key + " failed: the stream had " + written
            + " bytes, but the caller announced " + length + "; pass the right length or -1");
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public boolean exists(String bucket, String key) {
    return Files.isRegularFile(file(bucket, key));
  }

  /** Size and time of the file; no content tag (the object is a local file, read in place). */
  @Override
  public Optional<ObjectInfo> stat(String bucket, String key) {
    Path file = file(bucket, key);
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      return attrs.isRegularFile()
          ? Optional.of(new ObjectInfo(bucket, key, attrs.size(), attrs.lastModifiedTime().toInstant()))
          : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (!Files.isRegularFile(file)) {
        return Optional.empty(); // a parent is an object ("Not a directory")
      }
      throw failure("reading", bucket, key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String bucket, String prefix) {
    ObjectKeys.bucket(bucket);
    ObjectKeys.prefix(prefix);
    Path bucketDir = bucketDir(bucket);
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? bucketDir : bucketDir.resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<ObjectInfo> objects = new ArrayList<>();
    try {
      Files.walkFileTree(start, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path path, BasicFileAttributes attrs) {
          String key = bucketDir.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
          if (attrs.isRegularFile() && key.startsWith(prefix)
              && !path.getFileName().toString().startsWith(ObjectKeys.TEMP_PREFIX)) {
            objects.add(new ObjectInfo(bucket, key, attrs.size(), attrs.lastModifiedTime().toInstant()));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path path, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE; // deleted while listing
          }
          throw e;
        }
      });
    } catch (IOException e) {
      throw failure("listing", bucket, prefix + "*", e);
    }
    objects.sort(Comparator.comparing(ObjectInfo::key));
    return List.copyOf(objects);
  }

  @Override
  public void delete(String bucket, String key) {
    Path file = file(bucket, key);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(file)) {
        return;
      }
      Files.deleteIfExists(file);
      pruneEmptyParents(file.getParent(), bucketDir(bucket));
    } catch (IOException e) {
      throw failure("deleting", bucket, key, e);
    }
  }

  /** Removes directories left empty by a delete, so listings and later keys are not blocked by them. */
  private static void pruneEmptyParents(Path dir, Path bucketDir) {
    for (Path current = dir; current != null && current.startsWith(bucketDir) && !current.equals(bucketDir);
        current = current.getParent()) {
      try {
        Files.delete(current);
      } catch (IOException e) {
        return; // not empty (or already gone): stop here
      }
    }
  }

  @Override
  public URI presignedGet(String bucket, String key, Duration expiry) {
    checkExpiry(expiry);
    return file(bucket, key).toUri();
  }

  @Override
  public URI presignedPut(String bucket, String key, Duration expiry) {
    checkExpiry(expiry);
    return file(bucket, key).toUri();
  }

  private static void checkExpiry(Duration expiry) {
    if (expiry == null || expiry.isNegative() || expiry.isZero()) {
      throw new InvalidSpecException("presigned URL", List.of("expiry: " + expiry + " is not positive; give a "
          + "duration such as Duration.ofMinutes(15)"));
    }
  }

  private Path file(String bucket, String key) {
    ObjectKeys.bucket(bucket);
    ObjectKeys.key(key);
    return bucketDir(bucket).resolve(key);
  }

  private Path bucketDir(String bucket) {
    return root.resolve(buckets.getOrDefault(bucket, bucket));
  }

  private RuntimeOperationException conflict(String bucket, String key) {
    return new RuntimeOperationException("Storing " + bucket + "/" + key + " in " + root + " failed: the key "
        + "collides with another object's key used as a directory (or vice versa); a file system store cannot "
        + "hold both 'a' and 'a/b'; choose another key");
  }

  private RuntimeOperationException failure(String action, String bucket, String key, IOException e) {
    return new RuntimeOperationException("File system object store: " + action + " " + bucket + "/" + key
        + " in " + root + " failed (" + e + "); check free disk space and permissions", e);
  }

  @Override
  public String toString() {
    return "FileSystemObjectStore[" + root + (buckets.isEmpty() ? "" : ", buckets " + new java.util.TreeMap<>(buckets))
        + "]";
  }
}
