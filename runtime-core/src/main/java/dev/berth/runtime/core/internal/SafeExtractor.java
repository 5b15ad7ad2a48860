package dev.berth.runtime.core.internal;

import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ProgressListener;
import dev.berth.runtime.RuntimeOperationException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Extracts {@code .zip} and {@code .tar.gz} code bundles into a directory without letting any entry land
 * outside it. Rejected, with the entry and the rule named: {@code ..} segments, absolute paths, Windows drive
 * letters and backslashes, symbolic or hard links whose target leaves the directory, device files and FIFOs,
 * and bundles beyond the {@link ExtractionLimits}. Nothing is ever written through a symbolic link. On any
 * failure the target directory is removed completely.
 *
 * <p>Entries are counted before anything is written ({@link ArchiveCensus}): a zip by its central directory,
 * whose count its local headers may then not exceed; a tar.gz by reading it once. Zip files are then read entry by
 * entry from their local headers; symbolic links stored in a zip are extracted as small regular files (the zip
 * stream carries no file types). Tar hard links become copies.
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * new SafeExtractor(ExtractionLimits.DEFAULTS).extract(Path.of("bot.tar.gz"), ArchiveFormat.TAR_GZ, workspaceDir);
 * }</pre>
 */
public final class SafeExtractor {
  private final ExtractionLimits limits;
  private final ProgressListener progress;

  public SafeExtractor(ExtractionLimits limits) {
    this(limits, ProgressListener.NONE);
  }

  /** As {@link #SafeExtractor(ExtractionLimits)}, reporting compressed bytes read as {@code extract} progress. */
  public SafeExtractor(ExtractionLimits limits, ProgressListener progress) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Extracts an archive file.
   *
   * @param target a directory that does not exist yet or is empty; created if needed
   * @throws InvalidSpecException naming the entry and rule when the archive is unsafe, corrupt or too big
   * @throws RuntimeOperationException when reading the archive or writing the target fails
   */
  public void extract(Path archive, CodeBundle.ArchiveFormat format, Path target) {
    long size;
    try {
      size = Files.size(archive);
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading code bundle " + archive + " failed (" + e
          + "); check that the file exists and is readable", e);
    }
    extractFile(archive, format, target, archive.getFileName().toString(), size, progress);
  }

  /**
   * Extracts an archive from a stream (not closed here). The stream is first copied to a temporary file (removed
   * afterwards), because the entries are counted before anything is written and a zip lists them at its end.
   *
   * @param target a directory that does not exist yet or is empty; created if needed
   * @throws InvalidSpecException naming the entry and rule when the archive is unsafe, corrupt or too big
   * @throws RuntimeOperationException when reading the stream or writing the target fails
   */
  public void extract(InputStream in, CodeBundle.ArchiveFormat format, Path target) {
    extract(in, format, target, "archive", -1);
  }

  /**
   * As {@link #extract(InputStream, CodeBundle.ArchiveFormat, Path)}, naming the source in messages; progress
   * counts the bytes read from the stream.
   */
  void extract(InputStream in, CodeBundle.ArchiveFormat format, Path target, String subject, long size) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(format, "format");
    checkTarget(target.toAbsolutePath().normalize());
    CountingInputStream counted = new CountingInputStream(in);
    ProgressTracker tracker = new ProgressTracker(progress, "extract", subject, size, "Extracting")
        .measuring(counted::count);
    Path spool = BundleSpool.copy(counted, subject, ArchiveCensus.maxArchiveBytes(limits), tracker);
    try {
      extractFile(spool, format, target, subject, size, ProgressListener.NONE);
      tracker.done();
    } finally {
      BundleSpool.delete(spool);
    }
  }

  private void extractFile(Path archive, CodeBundle.ArchiveFormat format, Path target, String subject, long size,
      ProgressListener listener) {
    Objects.requireNonNull(format, "format");
    Path dir = target.toAbsolutePath().normalize();
    checkTarget(dir);
    try {
      long listed = format == CodeBundle.ArchiveFormat.ZIP ? ArchiveCensus.zipEntries(archive, limits) : -1;
      if (format == CodeBundle.ArchiveFormat.TAR_GZ) {
        ArchiveCensus.countTarEntries(archive, limits);
      }
      Files.createDirectories(dir);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 64 * 1024)) {
        CountingInputStream raw = new CountingInputStream(in);
        ProgressTracker tracker = new ProgressTracker(listener, "extract", subject, size, "Extracting")
            .measuring(raw::count);
        ExtractionSink sink = new ExtractionSink(dir, limits, raw::count, tracker);
        if (format == CodeBundle.ArchiveFormat.ZIP) {
          extractZip(raw, sink, listed);
        } else {
          extractTar(raw, sink);
        }
        if (sink.entries() == 0) {
          throw EntryNames.rejectBundle("the " + describe(format) + " archive has no entries; "
              + "check that it is a " + describe(format) + " file with the bot's code in it");
        }
        sink.finish();
      }
    } catch (InvalidSpecException e) {
      Directories.deleteRecursively(dir);
      throw e;
    } catch (ExtractionSink.ArchiveReadException | TarReader.TarFormatException | java.util.zip.ZipException
        | java.io.EOFException | IllegalArgumentException e) {
      Directories.deleteRecursively(dir);
      throw EntryNames.rejectBundle("'" + subject + "' is not a valid " + describe(format) + " archive ("
          + e.getMessage() + "); rebuild it");
    } catch (java.nio.file.FileSystemException e) {
      Directories.deleteRecursively(dir);
      if (e.getReason() != null && e.getReason().toLowerCase(java.util.Locale.ROOT).contains("name too long")) {
        String file = e.getFile() == null ? "?" : e.getFile().startsWith(dir.toString())
            ? e.getFile().substring(Math.min(e.getFile().length(), dir.toString().length() + 1)) : e.getFile();
        throw EntryNames.reject(file, "is too long a path for this file system");
      }
      throw new RuntimeOperationException("Extracting code bundle '" + subject + "' into " + dir + " failed ("
          + e + "); check free disk space and permissions", e);
    } catch (IOException | RuntimeException e) {
      Directories.deleteRecursively(dir);
      throw new RuntimeOperationException("Extracting code bundle '" + subject + "' into " + dir + " failed ("
          + e + "); check free disk space and permissions", e);
    }
  }

  /** Reads the zip's local headers in order; {@code listed} is the central directory's count. */
  private static void extractZip(CountingInputStream raw, ExtractionSink sink, long listed) throws IOException {
    ZipInputStream zip = new ZipInputStream(raw);
    long seen = 0;
    while (true) {
      ZipEntry entry = nextZipEntry(zip);
      if (entry == null) {
        return;
      }
      if (++seen > listed) {
        throw EntryNames.reject(entry.getName(), "is one more entry than the " + listed + " the zip's central "
            + "directory lists (a forged or corrupt archive)");
      }
      if (entry.isDirectory()) {
        sink.directory(entry.getName());
        if (readData(zip) >= 0) {
          throw EntryNames.reject(entry.getName(), "is a directory entry that carries data");
        }
      } else {
        long start = raw.count();
        sink.file(entry.getName(), zip, false, () -> raw.count() - start);
      }
    }
  }

  private static int readData(ZipInputStream zip) throws IOException {
    try {
      return zip.read();
    } catch (IOException e) {
      throw new ExtractionSink.ArchiveReadException(e);
    }
  }

  private static ZipEntry nextZipEntry(ZipInputStream zip) throws IOException {
    try {
      return zip.getNextEntry();
    } catch (IOException e) {
      throw new ExtractionSink.ArchiveReadException(e);
    }
  }

  private void extractTar(CountingInputStream raw, ExtractionSink sink) throws IOException {
    DecompressionGuard guard;
    try {
      // Headers and skipped data count too: cap the whole tar, with room for headers beyond the file bytes.
      guard = new DecompressionGuard(new GZIPInputStream(raw, 64 * 1024), raw::count,
          ArchiveCensus.maxArchiveBytes(limits), limits.maxCompressionRatio());
    } catch (IOException e) {
      throw new ExtractionSink.ArchiveReadException(e);
    }
    TarReader tar = new TarReader(guard);
    while (true) {
      TarReader.Entry entry = nextTarEntry(tar);
      if (entry == null) {
        return;
      }
      String name = entry.name();
      guard.entry(name);
      switch (entry.type()) {
        case FILE:
          sink.file(name, tar.data(), (entry.mode() & 0100) != 0, null);
          break;
        case DIRECTORY:
          sink.directory(name);
          break;
        case SYMLINK:
          sink.symlink(name, entry.linkName());
          break;
        case HARDLINK:
          sink.hardlink(name, entry.linkName());
          break;
        case DEVICE:
        case FIFO:
          sink.reject(name, "is a device file or FIFO (tar type '" + entry.typeFlag() + "'), which a bundle may "
              + "not contain");
          break;
        default:
          sink.reject(name, "has the unsupported tar entry type '" + EntryNames.printable(
              String.valueOf(entry.typeFlag())) + "' (only files, directories and links are extracted)");
      }
    }
  }

  private static TarReader.Entry nextTarEntry(TarReader tar) throws IOException {
    try {
      return tar.next();
    } catch (IOException e) {
      throw new ExtractionSink.ArchiveReadException(e);
    }
  }

  /** Refuses a target that holds anything, before the archive is even read. */
  private static void checkTarget(Path dir) {
    try {
      if (!Directories.isAbsentOrEmpty(dir)) {
        throw new RuntimeOperationException("Cannot extract a code bundle into " + dir + ": it exists and is "
            + "not an empty directory; give a new directory");
      }
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading " + dir + " failed (" + e + "); check permissions", e);
    }
  }

  private static String describe(CodeBundle.ArchiveFormat format) {
    return format == CodeBundle.ArchiveFormat.ZIP ? "zip" : "tar.gz";
  }
}
