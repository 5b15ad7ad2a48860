package dev.berth.runtime;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a workload's code comes from. The runtime materialises it into a per-workload workspace with safe
 * extraction (no entry may escape the workspace; sizes are capped).
 *
 * <pre>{@code
 * CodeBundle.directory(Path.of("strategies/momentum"));
 * CodeBundle.archive(Path.of("build/momentum.tar.gz"));
 * CodeBundle.stored("momentum/v7.zip");              // key in the "custom-bots" bucket
 * }</pre>
 */
public sealed interface CodeBundle {
  /** A directory on this host, copied into the workspace. */
  static CodeBundle directory(Path path) {
    return new Directory(path);
  }

  /** A {@code .zip}, {@code .tar.gz} or {@code .tgz} file on this host. */
  static CodeBundle archive(Path path) {
    return new Archive(path);
  }

  /** An archive in the object store's code bucket ({@value ObjectStore#CODE_BUCKET}). */
  static CodeBundle stored(String key) {
    return new Stored(ObjectStore.CODE_BUCKET, key);
  }

  /** An archive in the object store. */
  static CodeBundle stored(String bucket, String key) {
    return new Stored(bucket, key);
  }

  /** The archive formats Berth extracts. */
  enum ArchiveFormat {
    ZIP, TAR_GZ;

    /** The format implied by a file name, if any. */
    public static java.util.Optional<ArchiveFormat> of(String fileName) {
      String name = fileName.toLowerCase(Locale.ROOT);
      if (name.endsWith(".zip")) {
        return java.util.Optional.of(ZIP);
      }
      if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
        return java.util.Optional.of(TAR_GZ);
      }
      return java.util.Optional.empty();
    }
  }

  /** A directory bundle. */
  record Directory(Path path) implements CodeBundle {
    public Directory {
      Objects.requireNonNull(path, "path");
    }
  }

  /** A local archive bundle. */
  record Archive(Path path) implements CodeBundle {
    public Archive {
      Objects.requireNonNull(path, "path");
      new Violations("CodeBundle")
          .check(ArchiveFormat.of(path.getFileName() == null ? "" : path.getFileName().toString())
                  .isPresent(), "codeBundle.path",
              "'" + path + "' is not a .zip, .tar.gz or .tgz file; use one of those, "
                  + "or CodeBundle.directory for a directory")
          .throwIfAny();
    }

    public ArchiveFormat format() {
      return ArchiveFormat.of(path.getFileName().toString()).orElseThrow();
    }
  }

  /** An archive in an {@link ObjectStore}. */
  record Stored(String bucket, String key) implements CodeBundle {
    public Stored {
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(key, "key");
      new Violations("CodeBundle")
          .check(!bucket.isBlank(), "codeBundle.bucket", "is empty; the default is " + ObjectStore.CODE_BUCKET)
          .check(ArchiveFormat.of(key).isPresent(), "codeBundle.key",
              "'" + key + "' is not a .zip, .tar.gz or .tgz object; upload the bundle as one of those")
          .throwIfAny();
    }

    public ArchiveFormat format() {
      return ArchiveFormat.of(key).orElseThrow();
    }
  }
}
