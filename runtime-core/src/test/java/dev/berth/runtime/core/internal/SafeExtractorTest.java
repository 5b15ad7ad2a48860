package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.CodeBundle.ArchiveFormat;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.Progress;
import dev.berth.runtime.RuntimeOperationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafeExtractorTest {
  private static final ExtractionLimits SMALL = new ExtractionLimits(3L << 20, 20, 100);

  @TempDir Path tmp;

  static Stream<Arguments> maliciousArchives() {
    byte[] zeros = new byte[5 << 20];
    return Stream.of(
        Arguments.of("zip slip", ArchiveFormat.ZIP, new TestArchives.Zip().file("ok.txt", "x")
            .file("../evil.sh", "rm -rf /").bytes(), "entry '../evil.sh' leaves the workspace ('..' segment)"),
        Arguments.of("nested zip slip", ArchiveFormat.ZIP, new TestArchives.Zip()
            .file("a/b/../../../evil.sh", "x").bytes(), "leaves the workspace ('..' segment)"),
        Arguments.of("absolute path", ArchiveFormat.ZIP, new TestArchives.Zip().file("/tmp/evil.sh", "x").bytes(),
            "entry '/tmp/evil.sh' is an absolute path"),
        Arguments.of("drive letter", ArchiveFormat.ZIP, new TestArchives.Zip().file("C:/evil.sh", "x").bytes(),
            "entry 'C:/evil.sh' starts with a Windows drive letter"),
        Arguments.of("drive-relative", ArchiveFormat.TAR_GZ, new TestArchives.Tar().file("c:evil.sh", "x").bytes(),
            "starts with a Windows drive letter"),
        Arguments.of("backslash", ArchiveFormat.ZIP, new TestArchives.Zip().file("..\\evil.sh", "x").bytes(),
            "contains a backslash"),
        Arguments.of("tar slip", ArchiveFormat.TAR_GZ, new TestArchives.Tar().file("../evil.sh", "x").bytes(),
            "entry '../evil.sh' leaves the workspace"),
        Arguments.of("tar absolute", ArchiveFormat.TAR_GZ, new TestArchives.Tar().file("/etc/evil", "x").bytes(),
            "is an absolute path"),
        Arguments.of("pax path slip", ArchiveFormat.TAR_GZ, new TestArchives.Tar().paxPath("../../evil", "x")
            .bytes(), "entry '../../evil' leaves the workspace"),
        Arguments.of("gnu long name slip", ArchiveFormat.TAR_GZ, new TestArchives.Tar()
            .gnuLongName("../" + "d/".repeat(60) + "evil", "x").bytes(), "leaves the workspace"),
        Arguments.of("symlink escape", ArchiveFormat.TAR_GZ, new TestArchives.Tar().dir("a")
            .symlink("a/up", "../../etc").bytes(), "entry 'a/up' is a symbolic link to '../../etc', which points "
            + "outside the workspace"),
        Arguments.of("absolute symlink", ArchiveFormat.TAR_GZ, new TestArchives.Tar()
            .symlink("passwd", "/etc/passwd").bytes(), "an absolute path outside the workspace"),
        Arguments.of("write through symlink", ArchiveFormat.TAR_GZ, new TestArchives.Tar().dir("sub")
            .symlink("link", "sub").file("link/evil", "x").bytes(),
            "entry 'link/evil' would be written through the symbolic link 'link'"),
        Arguments.of("symlink chain escape", ArchiveFormat.TAR_GZ, new TestArchives.Tar().dir("d")
            .symlink("d/x", "..").symlink("s", "d/x/../..").bytes(),
            "entry 's' is a symbolic link that resolves outside the workspace"),
        Arguments.of("symlink loop", ArchiveFormat.TAR_GZ, new TestArchives.Tar().symlink("a", "b")
            .symlink("b", "a").bytes(), "resolves outside the workspace through other links (or loops)"),
        Arguments.of("hardlink escape", ArchiveFormat.TAR_GZ, new TestArchives.Tar()
            .hardlink("passwd", "../../../../etc/passwd").bytes(), "entry 'passwd' is a hard link to "
            + "'../../../../etc/passwd', outside the workspace"),
        Arguments.of("absolute hardlink", ArchiveFormat.TAR_GZ, new TestArchives.Tar()
            .hardlink("passwd", "/etc/passwd").bytes(), "entry 'passwd' is a hard link to '/etc/passwd', outside"),
        Arguments.of("hardlink to a link", ArchiveFormat.TAR_GZ, new TestArchives.Tar().file("f", "x")
            .symlink("l", "f").hardlink("h", "l").bytes(), "entry 'h' is a hard link to 'l', which is not a "
            + "regular file"),
        Arguments.of("char device", ArchiveFormat.TAR_GZ, new TestArchives.Tar().special("dev/null", '3').bytes(),
            "entry 'dev/null' is a device file or FIFO (tar type '3')"),
        Arguments.of("block device", ArchiveFormat.TAR_GZ, new TestArchives.Tar().special("sda", '4').bytes(),
            "is a device file or FIFO"),
        Arguments.of("fifo", ArchiveFormat.TAR_GZ, new TestArchives.Tar().special("pipe", '6').bytes(),
            "is a device file or FIFO"),
        Arguments.of("sparse file", ArchiveFormat.TAR_GZ, new TestArchives.Tar().special("sparse", 'S').bytes(),
            "unsupported tar entry type 'S'"),
        Arguments.of("too many entries", ArchiveFormat.ZIP, manyFiles(21), "exceeds the limit of 20 entries"),
        Arguments.of("too many bytes", ArchiveFormat.TAR_GZ, new TestArchives.Tar()
            .file("big", random(4 << 20)).bytes(), "entry 'big' takes the bundle past the limit of 3145728 bytes"),
        Arguments.of("zip bomb entry", ArchiveFormat.ZIP, new TestArchives.Zip().file("bomb", zeros).bytes(),
            "entry 'bomb' expands more than 100.0 times its compressed size"),
        Arguments.of("tar.gz bomb", ArchiveFormat.TAR_GZ, TestArchives.gzip(new TestArchives.Tar()
            .entry("bomb", '0', "", zeros, 0644).rawTar()), "takes the archive past 100.0 times its compressed "
            + "size"),
        Arguments.of("tar directory carrying a bomb", ArchiveFormat.TAR_GZ, TestArchives.gzip(new TestArchives.Tar()
            .entry("dir/", '5', "", zeros, 0755).rawTar()), "entry 'dir/' takes the archive past 100.0 times"),
        Arguments.of("endless pax headers", ArchiveFormat.TAR_GZ, paxFlood(),
            "the archive expands to more than 100.0 times its compressed size"),
        Arguments.of("zip directory carrying data", ArchiveFormat.ZIP, new TestArchives.Zip().file("dir/", "data")
            .bytes(), "entry 'dir/' is a directory entry that carries data"),
        Arguments.of("name too long", ArchiveFormat.TAR_GZ, new TestArchives.Tar().paxPath("x".repeat(300), "x")
            .bytes(), "is too long a path for this file system"),
        Arguments.of("file over directory", ArchiveFormat.TAR_GZ, new TestArchives.Tar().dir("a").file("a", "x")
            .bytes(), "entry 'a' is a file where the archive already has a directory"),
        Arguments.of("control characters", ArchiveFormat.ZIP, new TestArchives.Zip().file("../a\nb", "x").bytes(),
            "entry '../a\\u000ab' leaves"),
        Arguments.of("newline in a name", ArchiveFormat.ZIP, new TestArchives.Zip().file("a\nb.txt", "x").bytes(),
            "entry 'a\\u000ab.txt' contains the control character U+000A"),
        Arguments.of("terminal escape in a name", ArchiveFormat.TAR_GZ, new TestArchives.Tar()
            .file("\u001b[2J", "x").bytes(), "contains the control character U+001B"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("maliciousArchives")
  void rejectsAndLeavesNothingOnDisk(String rule, ArchiveFormat format, byte[] archive, String message)
      throws IOException {
    Path parent = Files.createDirectories(tmp.resolve("parent"));
    Path target = parent.resolve("deep/workspace");

    assertThatThrownBy(() -> new SafeExtractor(SMALL).extract(new ByteArrayInputStream(archive), format, target))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith("Invalid code bundle: codeBundle: ")
        .hasMessageContaining(message)
        .hasMessageContaining("; rebuild ");
    assertThat(target).doesNotExist();
    assertThat(tmp.resolve("evil.sh")).doesNotExist();
    try (Stream<Path> left = Files.walk(tmp)) {
      assertThat(left.filter(p -> p.getFileName().toString().contains("evil"))).isEmpty();
    }
  }

  @Test
  void extractsAValidZipWithNestedDirectories() throws IOException {
    byte[] zip = new TestArchives.Zip().dir("pkg").file("main.py", "print('hi')\n").file("pkg/a/b/c.txt", "deep")
        .file("./pkg/./x.txt", "dots").bytes();
    Path target = tmp.resolve("ws");

    new SafeExtractor(ExtractionLimits.DEFAULTS).extract(new ByteArrayInputStream(zip), ArchiveFormat.ZIP, target);

    assertThat(target.resolve("main.py")).hasContent("print('hi')");
    assertThat(target.resolve("pkg/a/b/c.txt")).hasContent("deep");
    assertThat(target.resolve("pkg/x.txt")).hasContent("dots");
  }

  @Test
  void extractsAValidTarGzWithLinksLongNamesAndModes() throws IOException {
    String longName = "very/" + "long-directory-name/".repeat(8) + "file.txt";
    byte[] tar = new TestArchives.Tar().dir("./").dir("bin").executable("bin/run.sh", "#!/bin/sh\necho hi\n")
        .file("lib/data.txt", "data").symlink("bin/data", "../lib/data.txt").symlink("current", "lib")
        .hardlink("copy.txt", "lib/data.txt").gnuLongName(longName, "long").paxPath("pax/name.txt", "pax")
        .file("lib/data.txt", "newer").bytes();
    Path target = tmp.resolve("ws");

    new SafeExtractor(ExtractionLimits.DEFAULTS).extract(new ByteArrayInputStream(tar), ArchiveFormat.TAR_GZ,
        target);

    assertThat(target.resolve("bin/run.sh")).isExecutable().hasContent("#!/bin/sh\necho hi");
    assertThat(Files.isExecutable(target.resolve("lib/data.txt"))).isFalse();
    assertThat(target.resolve("lib/data.txt")).hasContent("newer");
    assertThat(Files.isSymbolicLink(target.resolve("bin/data"))).isTrue();
    assertThat(target.resolve("bin/data")).hasContent("newer");
    assertThat(target.resolve("current/data.txt")).hasContent("newer");
    assertThat(Files.isSymbolicLink(target.resolve("copy.txt"))).isFalse();
    assertThat(target.resolve("copy.txt")).hasContent("data");
    assertThat(target.resolve(longName)).hasContent("long");
    assertThat(target.resolve("pax/name.txt")).hasContent("pax");
  }

  @Test
  void aLinkReplacedByALaterEntryOfTheSameNameIsExtractedAsThatEntry() throws IOException {
    byte[] tar = new TestArchives.Tar().file("g", "keep").symlink("f", "g").file("f", "new").bytes();
    Path target = tmp.resolve("ws");

    new SafeExtractor(ExtractionLimits.DEFAULTS).extract(new ByteArrayInputStream(tar), ArchiveFormat.TAR_GZ,
        target);

    assertThat(Files.isSymbolicLink(target.resolve("f"))).isFalse();
    assertThat(target.resolve("f")).hasContent("new");
    assertThat(target.resolve("g")).hasContent("keep");
  }

  @Test
  void extractsFromAFileAndReportsProgress() throws IOException {
    Path archive = tmp.resolve("bot.tar.gz");
    Files.write(archive, new TestArchives.Tar().file("data.bin", random(3 << 20)).file("main.py", "x").bytes());
    List<Progress> reports = new ArrayList<>();

    new SafeExtractor(ExtractionLimits.DEFAULTS, reports::add).extract(archive, ArchiveFormat.TAR_GZ,
        tmp.resolve("ws"));

    assertThat(tmp.resolve("ws/main.py")).hasContent("x");
    assertThat(reports).isNotEmpty().allSatisfy(p -> {
      assertThat(p.operation()).isEqualTo("extract");
      assertThat(p.subject()).isEqualTo("bot.tar.gz");
      assertThat(p.total()).isEqualTo(Files.size(archive));
    });
    assertThat(reports.get(reports.size() - 1).fraction()).hasValue(1.0);
    assertThat(reports.stream().mapToLong(Progress::completed)).isSorted();
  }

  @Test
  void countsRealBytesNotTheZipHeader() {
    // A zip entry that claims a tiny size in its header but inflates to much more.
    byte[] zip = new TestArchives.Zip().file("big", random(4 << 20)).bytes();
    byte[] lying = lieAboutSize(zip);

    assertThatThrownBy(() -> new SafeExtractor(SMALL).extract(new ByteArrayInputStream(lying), ArchiveFormat.ZIP,
        tmp.resolve("ws"))).isInstanceOf(InvalidSpecException.class).hasMessageContaining("past the limit");
    assertThat(tmp.resolve("ws")).doesNotExist();
  }

  @Test
  void rejectsCorruptAndEmptyArchives() {
    byte[] truncated = Arrays.copyOf(new TestArchives.Tar().file("a", random(100_000)).bytes(), 5_000);
    byte[] notGzip = "just text".getBytes();
    byte[] emptyZip = new TestArchives.Zip().bytes();

    assertThatThrownBy(() -> extract(truncated, ArchiveFormat.TAR_GZ)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("is not a valid tar.gz archive");
    assertThatThrownBy(() -> extract(notGzip, ArchiveFormat.TAR_GZ)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("is not a valid tar.gz archive");
    assertThatThrownBy(() -> extract(TestArchives.gzip("garbage".repeat(100).getBytes()), ArchiveFormat.TAR_GZ))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("checksum");
    assertThatThrownBy(() -> extract(latin1Names(), ArchiveFormat.ZIP)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("is not a valid zip archive");
    assertThatThrownBy(() -> extract(emptyZip, ArchiveFormat.ZIP)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("has no entries");
    assertThat(tmp.resolve("ws")).doesNotExist();
  }

  @Test
  void refusesANonEmptyTargetAndLeavesItAlone() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("ws"));
    Files.writeString(target.resolve("keep.txt"), "mine");

    assertThatThrownBy(() -> extract(new TestArchives.Zip().file("a", "b").bytes(), ArchiveFormat.ZIP))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not an empty directory");
    assertThat(target.resolve("keep.txt")).hasContent("mine");
    assertThat(Files.exists(target.resolve("a"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  private void extract(byte[] archive, ArchiveFormat format) {
    new SafeExtractor(SMALL).extract(new ByteArrayInputStream(archive), format, tmp.resolve("ws"));
  }

  /** Global pax headers of 512 KiB each, never followed by an entry: decompression work without output. */
  private static byte[] paxFlood() {
    TestArchives.Tar tar = new TestArchives.Tar();
    byte[] record = new byte[512 * 1024];
    for (int i = 0; i < 20; i++) {
      tar.entry("pax", 'g', "", record, 0644);
    }
    return tar.bytes();
  }

  /** A zip whose entry name is not UTF-8 (and does not say so). */
  private static byte[] latin1Names() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes,
        java.nio.charset.StandardCharsets.ISO_8859_1)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("caf\u00e9.txt"));
      zip.write(1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] manyFiles(int count) {
    TestArchives.Zip zip = new TestArchives.Zip();
    for (int i = 0; i < count; i++) {
      zip.file("f" + i + ".txt", "x");
    }
    return zip.bytes();
  }

  static String random(int length) {
    java.util.Random random = new java.util.Random(42);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }

  /** Sets the uncompressed size in the first local header to 1 byte, keeping the data. */
  private static byte[] lieAboutSize(byte[] zip) {
    byte[] copy = zip.clone();
    // ZipOutputStream writes sizes in a data descriptor (flag bit 3), leaving header sizes 0; make the
    // header claim real sizes of 1 byte without the descriptor flag.
    copy[6] = (byte) (copy[6] & ~0x08);
    copy[18] = 1; // compressed size
    copy[22] = 1; // uncompressed size
    return copy;
  }
}
