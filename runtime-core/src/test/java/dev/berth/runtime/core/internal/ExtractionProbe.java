package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.CodeBundle.ArchiveFormat;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.WorkloadSpec;
import dev.berth.runtime.testkit.KitTimeouts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The oracle of the bundle fuzz tests: extracts one archive the two ways Berth receives bundles (a local archive
 * through {@link CodeMaterializer}, a stream as from an object store through {@link SafeExtractor}) next to a
 * sentinel directory, and fails unless each attempt either throws {@link InvalidSpecException} and leaves
 * nothing behind, or produces a clean workspace; and in every case the sentinel and everything else outside the
 * target are unchanged, only Berth's exception types escape, and time and allocation stay bounded.
 */
final class ExtractionProbe {
  static final ExtractionLimits LIMITS = ExtractionLimits.DEFAULTS;
  /**
   * Per attempt. Typical inputs take milliseconds, the slowest crafted one (100,000 tiny tar entries) half a second
   * on two loaded cores; writing and deleting 10,000 files before a rejection took 7 to 40 s there.
   * {@code BERTH_TCK_TIMEOUT_FACTOR} stretches it.
   */
  static final Duration MAX_TIME = KitTimeouts.fromEnvironment().scaled(Duration.ofSeconds(5));
  /**
   * Bytes allocated per attempt (a proxy for memory: what is retained is less): far below what buffering a
   * decompressed bomb or a whole workspace would take. The crafted corpus stays under 5 MiB.
   */
  static final long MAX_ALLOCATED_BYTES = 256L << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private ExtractionProbe() {}

  /** Runs both attempts on {@code archive}; an {@link AssertionError} names the broken property. */
  static void check(byte[] archive, ArchiveFormat format) {
    Path root = createRoot();
    try {
      Path sentinel = Files.createDirectories(root.resolve("sentinel"));
      Files.writeString(sentinel.resolve("secret"), "keep");
      Files.createDirectories(sentinel.resolve("dir"));
      Path file = Files.write(root.resolve(format == ArchiveFormat.ZIP ? "bundle.zip" : "bundle.tar.gz"), archive);
      Map<String, String> outside = snapshot(root);

      WorkloadSpec spec = BotSpec.builder("fuzz").codeBundle(CodeBundle.archive(file)).command(List.of("true"))
          .build();
      CodeMaterializer materializer = new CodeMaterializer(LIMITS, Optional.empty());
      attempt("archive file", root.resolve("ws"), true, () -> materializer.materialize(spec, root.resolve("ws")));
      attempt("stream", root.resolve("ws-stream"), false, () -> new SafeExtractor(LIMITS)
          .extract(new ByteArrayInputStream(archive), format, root.resolve("ws-stream")));

      assertThat(snapshot(root)).as("files outside the workspace (the sentinel, the archive)")
          .isEqualTo(outside);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Directories.deleteRecursively(root);
    }
  }

  private static void attempt(String how, Path target, boolean withConfig, Runnable extraction) throws IOException {
    long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
    long start = System.nanoTime();
    Throwable thrown = null;
    try {
      extraction.run();
    } catch (Throwable t) { // the oracle judges every outcome, errors included
      thrown = t;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
    if (thrown == null) {
      assertClean(target, withConfig);
    } else if (thrown instanceof InvalidSpecException) {
      assertThat(thrown.getMessage()).as("rejection message (%s)", how).startsWith("Invalid code bundle")
          .contains("codeBundle: ");
      assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).as("workspace left after a rejection (%s): %s",
          how, thrown.getMessage()).isFalse();
    } else {
      throw new AssertionError("extracting from the " + how + " threw " + thrown.getClass().getName()
          + " instead of InvalidSpecException or success: " + thrown.getMessage(), thrown);
    }
    assertThat(took).as("time to extract from the %s", how).isLessThan(MAX_TIME);
    assertThat(allocated).as("bytes allocated extracting from the %s", how).isLessThan(MAX_ALLOCATED_BYTES);
  }

  /** Only directories, regular files without other links or special bits, and links resolving inside. */
  private static void assertClean(Path target, boolean withConfig) throws IOException {
    Path real = target.toRealPath();
    int entries = 0;
    long bytes = 0;
    try (Stream<Path> walk = Files.walk(target)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        String shown = target.relativize(path).toString();
        assertThat(shown.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\'))
            .as("name without control characters or backslashes: %s", EntryNames.printable(shown)).isTrue();
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,nlink,size", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) unix.get("mode");
        int type = mode & 0170000;
        assertThat(type).as("file type of %s (regular, directory or link only)", shown)
            .isIn(0100000, 0040000, 0120000);
        assertThat(mode & 07000).as("setuid, setgid or sticky bit on %s", shown).isZero();
        if (type == 0100000) {
          assertThat(mode & 0022).as("group- or world-writable file %s", shown).isZero();
          assertThat((Integer) unix.get("nlink")).as("hard links to %s", shown).isEqualTo(1);
          bytes += (Long) unix.get("size");
        }
        if (type == 0120000) {
          Path resolved = path.getParent().resolve(Files.readSymbolicLink(path)).normalize();
          assertThat(resolved.startsWith(target)).as("link %s stays inside lexically", shown).isTrue();
          if (Files.exists(path)) {
            assertThat(path.toRealPath().startsWith(real)).as("link %s resolves inside", shown).isTrue();
          }
        }
        entries++;
      }
    }
    assertThat(entries - 1).as("entries").isLessThanOrEqualTo(LIMITS.maxEntries() + (withConfig ? 1 : 0));
    assertThat(bytes).as("bytes").isLessThanOrEqualTo(LIMITS.maxTotalBytes() + (1 << 20));
    if (withConfig) {
      assertThat(target.resolve(WorkloadSpec.CONFIG_FILE)).isRegularFile().hasContent("{}");
    }
  }

  /** Every path under {@code root} outside the workspaces, with its type, mode, size and content. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        Path relative = root.relativize(path);
        if (relative.getNameCount() > 0 && relative.getName(0).toString().startsWith("ws")) {
          continue;
        }
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,size", LinkOption.NOFOLLOW_LINKS);
        String content = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
            ? Integer.toHexString(Arrays.hashCode(Files.readAllBytes(path))) : "";
        files.put(relative.toString(), Integer.toOctalString((Integer) unix.get("mode")) + " " + unix.get("size")
            + " " + content);
      }
    }
    return files;
  }

  private static Path createRoot() {
    try {
      return Files.createTempDirectory("berth-fuzz-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
