package dev.berth.runtime.core.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.runtime.CodeBundle.ArchiveFormat;

/**
 * Fuzzes safe extraction with zip and tar.gz bundles. In a normal build (regression mode) each test runs once per
 * file of its corpus, {@code src/test/resources/dev/berth/runtime/core/internal/BundleExtractionFuzzTestInputs/
 * <method>/}: the crafted archives {@link BundleCorpus} writes, plus any input a fuzzing run found. With
 * {@code JAZZER_FUZZ=1} one test mutates its corpus for {@code maxDuration} (SECURITY.md has the command); every
 * input is judged by {@link ExtractionProbe}.
 */
class BundleExtractionFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void zip(byte[] archive) {
    ExtractionProbe.check(archive, ArchiveFormat.ZIP);
  }

  @FuzzTest(maxDuration = "10m")
  void tarGz(byte[] archive) {
    ExtractionProbe.check(archive, ArchiveFormat.TAR_GZ);
  }
}
