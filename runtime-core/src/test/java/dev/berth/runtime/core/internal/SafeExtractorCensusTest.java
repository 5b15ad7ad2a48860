package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.CodeBundle.ArchiveFormat;
import dev.berth.runtime.InvalidSpecException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles with too many entries are rejected before a single file is written. */
class SafeExtractorCensusTest {
  private static final int MANY = 60_000;

  @TempDir Path tmp;

  // The target's parent is a regular file, so the target cannot even be created: a rejection for the entry
  // count proves that the count came first, before any directory or file was written.
  @Test
  void aZipWithTooManyEntriesIsRejectedBeforeAnythingIsWritten() throws IOException {
    Path archive = Files.write(tmp.resolve("many.zip"), tinyZip(MANY, -1));
    Path unwritable = Files.writeString(tmp.resolve("file"), "not a directory").resolve("ws");

    assertThatThrownBy(() -> new SafeExtractor(ExtractionLimits.DEFAULTS).extract(archive, ArchiveFormat.ZIP,
        unwritable)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("the zip archive lists 60000 entries, which exceeds the limit of 10000 entries");
  }

  @Test
  void aTarGzWithTooManyEntriesIsRejectedBeforeAnythingIsWritten() throws IOException {
    TestArchives.Tar tar = new TestArchives.Tar();
    for (int i = 0; i < MANY; i++) {
      tar.entry("f" + i, '0', "", new byte[0], 0644);
    }
    Path archive = Files.write(tmp.resolve("many.tar.gz"), tar.bytes());
    Path unwritable = Files.writeString(tmp.resolve("file"), "not a directory").resolve("ws");

    assertThatThrownBy(() -> new SafeExtractor(ExtractionLimits.DEFAULTS).extract(archive, ArchiveFormat.TAR_GZ,
        unwritable)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("the tar.gz archive has more entries than the limit of 10000 (too many entries)");
  }

  @Test
  void aStreamedBundleIsCountedBeforeAnythingIsWrittenToo() throws IOException {
    Path unwritable = Files.writeString(tmp.resolve("file"), "not a directory").resolve("ws");

    assertThatThrownBy(() -> new SafeExtractor(new ExtractionLimits(1 << 20, 20, 100)).extract(
        new ByteArrayInputStream(tinyZip(21, -1)), ArchiveFormat.ZIP, unwritable))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("lists 21 entries");
  }

  @Test
  void localEntriesBeyondTheCentralDirectoryCountAreRejectedBeforeTheyAreWritten() {
    Path target = tmp.resolve("ws");

    assertThatThrownBy(() -> new SafeExtractor(ExtractionLimits.DEFAULTS).extract(new ByteArrayInputStream(
        tinyZip(500, 2)), ArchiveFormat.ZIP, target)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("entry 'f2' is one more entry than the 2 the zip's central directory lists");
    assertThat(target).doesNotExist();
  }

  @Test
  void zip64EndRecordsAreRead() throws IOException {
    Path target = tmp.resolve("ws");
    byte[] zip = new RawZip().file("a.txt", "x").file("b.txt", "y").zip64().bytes();

    new SafeExtractor(ExtractionLimits.DEFAULTS).extract(new ByteArrayInputStream(zip), ArchiveFormat.ZIP, target);

    assertThat(target.resolve("b.txt")).hasContent("y");
    assertThatThrownBy(() -> new SafeExtractor(ExtractionLimits.DEFAULTS).extract(new ByteArrayInputStream(
        new RawZip().file("a", "x").claimEntries(70_000).bytes()), ArchiveFormat.ZIP, tmp.resolve("other")))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("lists 70000 entries");
  }

  @Test
  void aZipWithoutEndRecordIsNotAValidZip() {
    byte[] zip = new RawZip().file("a.txt", "x").bytes();
    byte[] cut = java.util.Arrays.copyOf(zip, zip.length - 22);

    assertThatThrownBy(() -> new SafeExtractor(ExtractionLimits.DEFAULTS).extract(new ByteArrayInputStream(cut),
        ArchiveFormat.ZIP, tmp.resolve("ws"))).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("is not a valid zip archive (it has no end of central directory record");
    assertThat(tmp.resolve("ws")).doesNotExist();
  }

  private static byte[] tinyZip(int count, long claimed) {
    RawZip zip = new RawZip();
    for (int i = 0; i < count; i++) {
      zip.stored("f" + i, new byte[0]);
    }
    return (claimed >= 0 ? zip.claimEntries(claimed) : zip).bytes();
  }
}
