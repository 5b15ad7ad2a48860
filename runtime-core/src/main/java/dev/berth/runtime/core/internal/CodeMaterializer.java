package dev.berth.runtime.core.internal;

import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.ProgressListener;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a spec's {@link CodeBundle} and config into a workspace directory every backend can run from: the
 * bundle's files (copied or safely extracted), plus {@value WorkloadSpec#CONFIG_FILE} holding
 * {@link WorkloadSpec#config()}. Launchers are added later by {@link Entrypoints#plan}.
 *
 * <pre>{@code
 * CodeMaterializer materializer = new CodeMaterializer(ExtractionLimits.DEFAULTS, ObjectStores.fromConfig(config));
 * Workspace workspace = materializer.materialize(spec, stateDir.resolve("bots").resolve(spec.id()));
 * }</pre>
 *
 * <p>Holds no state between calls: one instance may materialise many workspaces concurrently.
 */
public final class CodeMaterializer {
  private static final Logger log = LoggerFactory.getLogger(CodeMaterializer.class);

  private final ExtractionLimits limits;
  private final Optional<ObjectStore> store;
  private final ProgressListener progress;
  private final Optional<BundleCache> cache;

  public CodeMaterializer(ExtractionLimits limits, Optional<ObjectStore> store) {
    this(limits, store, ProgressListener.NONE);
  }

  /**
   * As {@link #CodeMaterializer(ExtractionLimits, Optional)}, with stored bundles that carry a content tag
   * taken from {@code cache} (downloaded into it once per tag).
   */
  public CodeMaterializer(ExtractionLimits limits, Optional<ObjectStore> store, Optional<BundleCache> cache) {
    this(limits, store, cache, ProgressListener.NONE);
  }

  /**
   * As {@link #CodeMaterializer(ExtractionLimits, Optional)}, reporting progress of large bundles: operation
   * {@code copy} (bytes of a directory bundle) or {@code extract} (compressed bytes of an archive read).
   */
  public CodeMaterializer(ExtractionLimits limits, Optional<ObjectStore> store, ProgressListener progress) {
    this(limits, store, Optional.empty(), progress);
  }

  /** The full form: stored bundles through {@code cache}, progress of large bundles to {@code progress}. */
  public CodeMaterializer(ExtractionLimits limits, Optional<ObjectStore> store, Optional<BundleCache> cache,
      ProgressListener progress) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.store = Objects.requireNonNull(store, "store");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Creates {@code target} (which must not exist or be empty), fills it with the bundle (a directory, a local
   * archive or an object-store key) and writes {@value WorkloadSpec#CONFIG_FILE}. A spec without a bundle
   * gets a workspace holding only the config. On any failure {@code target} is removed completely.
   *
   * @throws InvalidSpecException for an unsafe, corrupt, oversized or missing bundle, or an entrypoint that
   *     is not in the bundle; the message names the bot, the entry and the rule
   * @throws RuntimeOperationException when reading or writing files fails
   */
  public Workspace materialize(WorkloadSpec spec, Path target) {
    Objects.requireNonNull(spec, "spec");
    Path dir = target.toAbsolutePath().normalize();
    try {
      if (!Directories.isAbsentOrEmpty(dir)) {
        throw new RuntimeOperationException("Cannot materialise the code of '" + spec.id() + "' into " + dir
            + ": it exists and is not an empty directory; delete it or choose another directory");
      }
    } catch (IOException e) {
      throw failure(spec, dir, e);
    }
    try {
      Files.createDirectories(dir);
      if (spec.codeBundle().isPresent()) {
        fill(spec.codeBundle().get(), dir);
      }
      checkEntrypoint(spec, dir);
      writeConfig(spec, dir);
      log.debug("Materialised the code of {} into {}", spec.id(), dir);
      return Workspace.of(dir);
    } catch (InvalidSpecException e) {
      Directories.deleteRecursively(dir);
      InvalidSpecException named = new InvalidSpecException("code bundle of '" + spec.id() + "'", e.violations());
      named.initCause(e);
      throw named;
    } catch (IOException | RuntimeException e) {
      Directories.deleteRecursively(dir);
      throw e instanceof RuntimeOperationException ? (RuntimeOperationException) e : failure(spec, dir, e);
    }
  }

  private void fill(CodeBundle bundle, Path dir) throws IOException {
    if (bundle instanceof CodeBundle.Directory) {
      copyDirectory(((CodeBundle.Directory) bundle).path(), dir);
    } else if (bundle instanceof CodeBundle.Archive) {
      CodeBundle.Archive archive = (CodeBundle.Archive) bundle;
      if (!Files.isRegularFile(archive.path())) {
        throw EntryNames.rejectBundle("archive " + archive.path() + " does not exist or is not a file; "
            + "check the path");
      }
      new SafeExtractor(limits, progress).extract(archive.path(), archive.format(), dir);
    } else {
      extractStored((CodeBundle.Stored) bundle, dir);
    }
  }

  private void copyDirectory(Path source, Path dir) throws IOException {
    if (!Files.isDirectory(source)) {
      throw EntryNames.rejectBundle("directory " + source + " does not exist or is not a directory; "
          + "check the path");
    }
    ProgressTracker tracker = new ProgressTracker(progress, "copy", source.toString(),
        progress == ProgressListener.NONE ? -1 : DirectoryCopier.sizeOf(source), "Copying");
    ExtractionSink sink = new ExtractionSink(dir, limits, null, tracker);
    tracker.measuring(sink::totalBytes);
    new DirectoryCopier(source, dir, sink).copy();
    sink.finish();
  }

  /**
   * A stored bundle: one {@code stat} tells its size and tag; with a cache and a tag the archive comes from
   * the cache (downloaded at most once per tag), otherwise it streams from the store.
   */
  private void extractStored(CodeBundle.Stored bundle, Path dir) throws IOException {
    String where = bundle.bucket() + "/" + bundle.key();
    ObjectStore objects = store.orElseThrow(() -> EntryNames.rejectBundle("'" + where + "' is in an object "
        + "store, but none is configured; set store.type (filesystem or minio) or use a directory or archive"));
    Optional<ObjectInfo> info = objects.stat(bundle.bucket(), bundle.key());
    Optional<InputStream> in = info.isEmpty() ? Optional.empty()
        : cache.isPresent() && info.get().etag().isPresent()
            ? cache.get().open(objects, bundle.bucket(), bundle.key(), info.get())
            : objects.get(bundle.bucket(), bundle.key());
    if (in.isEmpty()) {
      throw EntryNames.rejectBundle("object '" + where + "' does not exist in the object store; upload it "
          + "first or fix the key");
    }
    try (InputStream stream = in.get()) {
      new SafeExtractor(limits, progress).extract(stream, bundle.format(), dir, where, info.get().size());
    }
  }

  private static void checkEntrypoint(WorkloadSpec spec, Path dir) throws IOException {
    if (spec.entrypoint().isEmpty()) {
      return;
    }
    String entrypoint = spec.entrypoint().get();
    Path file = dir.resolve(entrypoint).normalize();
    if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
      List<String> found;
      try (var files = Files.walk(dir, 2)) {
        found = files.filter(Files::isRegularFile).map(dir::relativize)
            .map(Path::toString).sorted().limit(10).toList();
      }
      throw new InvalidSpecException("code bundle", List.of("entrypoint: '" + entrypoint + "' is not a file in "
          + "the code bundle (found " + (found.isEmpty() ? "no files" : String.join(", ", found))
          + "); fix the entrypoint or the bundle"));
    }
  }

  /** Writes the config file, replacing (never following) a file or link of that name from the bundle. */
  private static void writeConfig(WorkloadSpec spec, Path dir) throws IOException {
    Path config = dir.resolve(WorkloadSpec.CONFIG_FILE);
    if (Files.isDirectory(config, LinkOption.NOFOLLOW_LINKS)) {
      throw EntryNames.reject(WorkloadSpec.CONFIG_FILE, "is a directory, but Berth writes the bot's config to "
          + "that file; rename the directory");
    }
    Files.deleteIfExists(config);
    Files.write(config, spec.config().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  }

  private static RuntimeOperationException failure(WorkloadSpec spec, Path dir, Exception e) {
    return new RuntimeOperationException("Materialising the code of '" + spec.id() + "' into " + dir
        + " failed (" + e + "); check free disk space and permissions", e);
  }
}
