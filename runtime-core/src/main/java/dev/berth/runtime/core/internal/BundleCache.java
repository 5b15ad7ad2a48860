package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local copies of stored code bundles, one per content tag ({@link ObjectInfo#etag()}), so a bundle that many
 * bots share is downloaded once and a changed bundle is downloaded again. Layout of the directory:
 *
 * <pre>
 * &lt;hash&gt;.bundle   the archive, exactly the stored bytes
 * &lt;hash&gt;.sha256   its SHA-256, written when the download was verified
 * &lt;hash&gt;.lock     locked while the entry is written, checked or evicted
 * </pre>
 *
 * where {@code <hash>} is derived from the tag and the size. A download goes to a temporary file and is moved
 * into place only once {@link BundleDownload} has verified it, so a cut connection, a crash or an object
 * replaced half way never leaves an entry. Every use checks the entry's size and SHA-256 first; an entry that
 * fails is deleted and downloaded again. Concurrent uses of one entry wait for each other, in this JVM (a lock
 * per entry hash) and across processes sharing the directory (a file lock), so it is downloaded once.
 *
 * <p>Size: after each download the least recently used entries are deleted until the cache holds at most
 * {@code maxBytes} ({@value #SIZE_KEY}, default 1 GiB); the entry just used is always kept, so a bundle larger
 * than the cache still works. Entries in use by another process are skipped.
 */
public final class BundleCache {
  /** The config key of the cache's size; {@code 0} turns the cache off. */
  public static final String SIZE_KEY = "store.bundle-cache-size";
  /** The size when none is configured: 1 GiB. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  private static final Logger LOG = LoggerFactory.getLogger(BundleCache.class);
  private static final int ATTEMPTS = 3;
  private static final String ARCHIVE = ".bundle";
  private static final ReentrantLock[] STRIPES = new ReentrantLock[64];

  static {
    for (int i = 0; i < STRIPES.length; i++) {
      STRIPES[i] = new ReentrantLock();
    }
  }

  private final Path dir;
  private final long maxBytes;

  /** A cache in {@code dir} (created when first used) holding about {@code maxBytes}. */
  public BundleCache(Path dir, long maxBytes) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    if (maxBytes <= 0) {
      throw new InvalidConfigException(SIZE_KEY, SIZE_KEY + " = " + maxBytes + " is not positive");
    }
    this.maxBytes = maxBytes;
  }

  /** The cache in {@code dir} sized by {@value #SIZE_KEY}, or empty when that is {@code 0}. */
  public static Optional<BundleCache> fromConfig(RuntimeConfig config, Path dir) {
    long size = sizeFromConfig(config);
    return size == 0 ? Optional.empty() : Optional.of(new BundleCache(dir, size));
  }

  /** {@value #SIZE_KEY} in bytes ({@code 0}: no cache), default {@link #DEFAULT_MAX_BYTES}. */
  public static long sizeFromConfig(RuntimeConfig config) {
    long size = config.getSize(SIZE_KEY, DEFAULT_MAX_BYTES);
    if (size < 0) {
      throw new InvalidConfigException(SIZE_KEY, "Config key '" + SIZE_KEY + "' = '" + config.get(SIZE_KEY, "")
          + "' is negative; give a size such as 1g, or 0 to download every bundle each time");
    }
    return size;
  }

  /** The directory holding the entries. */
  public Path directory() {
    return dir;
  }

  /**
   * The bundle's bytes, from a verified entry for its tag, downloaded into the cache first when there is
   * none. The stream stays readable even if the entry is evicted meanwhile; the caller closes it.
   *
   * @param info what {@link ObjectStore#stat} said of the object; its tag must be present
   * @return empty when the object no longer exists
   * @throws IOException when the cache directory cannot be used
   */
  public Optional<InputStream> open(ObjectStore store, String bucket, String key, ObjectInfo info)
      throws IOException {
    ObjectInfo expected = info;
    for (int attempt = 1; ; attempt++) {
      try {
        return Optional.of(openEntry(store, bucket, key, expected));
      } catch (BundleDownload.Changed changed) {
        if (changed.now.isEmpty()) {
          return Optional.empty();
        }
        if (changed.now.get().etag().isEmpty() || attempt == ATTEMPTS) {
          throw new RuntimeOperationException("Code bundle " + bucket + "/" + key + " changed " + attempt
              + " times while it was downloaded; upload bundles under new keys instead of replacing them, or "
              + "retry once the uploads are done");
        }
        LOG.debug("Code bundle {}/{} changed while it was downloaded; downloading the new one", bucket, key);
        expected = changed.now.get();
      }
    }
  }

  private InputStream openEntry(ObjectStore store, String bucket, String key, ObjectInfo info)
      throws IOException, BundleDownload.Changed {
    String name = entryName(info);
    Path archive = dir.resolve(name + ARCHIVE);
    Path checksum = dir.resolve(name + ".sha256");
    Files.createDirectories(dir);
    ReentrantLock stripe = stripe(name);
    stripe.lock();
    // Closing the channel releases its lock.
    try (FileChannel lockFile = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      lockFile.lock();
      Optional<InputStream> cached = verified(archive, checksum, info.size());
      if (cached.isPresent()) {
        LOG.debug("Code bundle {}/{} (tag {}) comes from the cache", bucket, key, info.etag().orElseThrow());
        return cached.get();
      }
      download(store, bucket, key, info, archive, checksum);
      InputStream in = Files.newInputStream(archive);
      evictBeyondLimit(name);
      return in;
    } finally {
      stripe.unlock();
    }
  }

  /** The entry, opened, when it is whole and unchanged; otherwise it is deleted and empty is returned. */
  private static Optional<InputStream> verified(Path archive, Path checksum, long size) throws IOException {
    try {
      String expected = Files.readString(checksum, StandardCharsets.UTF_8).strip();
      if (Files.size(archive) == size && BundleDownload.sha256(archive).equals(expected)) {
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
        return Optional.of(Files.newInputStream(archive));
      }
      LOG.warn("The cached copy {} of a code bundle does not match its checksum; downloading it again", archive);
    } catch (NoSuchFileException e) {
      // no entry yet, or half of one left by a crash
    }
    Files.deleteIfExists(archive);
    Files.deleteIfExists(checksum);
    return Optional.empty();
  }

  private void download(ObjectStore store, String bucket, String key, ObjectInfo info, Path archive,
      Path checksum) throws IOException, BundleDownload.Changed {
    Path temp = dir.resolve(".download-" + UUID.randomUUID());
    long started = System.nanoTime();
    try {
      BundleDownload.Verified verified = BundleDownload.to(temp, store, bucket, key, info);
      AtomicWrite.writeString(checksum, verified.sha256() + "\n");
      try {
        Files.move(temp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, archive, StandardCopyOption.REPLACE_EXISTING);
      }
      LOG.info("Downloaded code bundle {}/{} ({} bytes, tag {}) into the bundle cache in {} ms", bucket, key,
          info.size(), info.etag().orElseThrow(), (System.nanoTime() - started) / 1_000_000);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** An entry as the eviction sees it. */
  private record Entry(String name, long size, FileTime used) {}

  /** Deletes least recently used entries, never {@code keep} nor one another process is using. */
  private void evictBeyondLimit(String keep) throws IOException {
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String fileName = file.getFileName().toString();
        if (fileName.endsWith(ARCHIVE)) {
          try {
            Entry entry = new Entry(fileName.substring(0, fileName.length() - ARCHIVE.length()), Files.size(file),
                Files.getLastModifiedTime(file));
            entries.add(entry);
            total += entry.size();
          } catch (NoSuchFileException e) {
            // evicted by someone else meanwhile
          }
        }
      }
    }
    entries.sort(Comparator.comparing(Entry::used));
    for (Entry entry : entries) {
      if (total <= maxBytes) {
        return;
      }
      if (!entry.name().equals(keep) && evict(entry.name())) {
        total -= entry.size();
      }
    }
  }

  private boolean evict(String name) throws IOException {
    ReentrantLock stripe = stripe(name);
    if (!stripe.tryLock()) {
      return false;
    }
    Path lock = dir.resolve(name + ".lock");
    try (FileChannel lockFile = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      if (lockFile.tryLock() == null) {
        return false;
      }
      Files.deleteIfExists(dir.resolve(name + ARCHIVE));
      Files.deleteIfExists(dir.resolve(name + ".sha256"));
      Files.deleteIfExists(lock);
      LOG.debug("Evicted {} from the bundle cache {}", name, dir);
      return true;
    } finally {
      stripe.unlock();
    }
  }

  /** One lock per entry in this JVM: file locks exclude other processes only. */
  private static ReentrantLock stripe(String name) {
    return STRIPES[Math.floorMod(name.hashCode(), STRIPES.length)];
  }

  /** A file name for the tagged content: the tag may hold any character, the name only hex. */
  static String entryName(ObjectInfo info) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest((info.etag().orElseThrow() + "\n" + info.size())
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new RuntimeOperationException("SHA-256 is missing from this Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "BundleCache[" + dir + ", max " + maxBytes + " bytes]";
  }
}
