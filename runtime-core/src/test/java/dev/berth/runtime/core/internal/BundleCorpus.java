package dev.berth.runtime.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the crafted archives of {@link ZipCorpus} and {@link TarCorpus} into the inputs directories of
 * {@link BundleExtractionFuzzTest}. The output is deterministic and {@link BundleCorpusTest} checks that the
 * committed files match it, so change the corpus classes, then regenerate from the repository root:
 *
 * <pre>
 * ./mvnw -o -q test-compile -pl runtime-core -am
 * java -cp "runtime-core/target/test-classes:runtime-core/target/classes:runtime-api/target/classes" \
 *     dev.berth.runtime.core.internal.BundleCorpus runtime-core/src/test/resources
 * </pre>
 */
final class BundleCorpus {
  static final String INPUTS = "dev/berth/runtime/core/internal/BundleExtractionFuzzTestInputs";

  private BundleCorpus() {}

  /** Directory (under the inputs directory) to files. */
  static Map<String, Map<String, byte[]>> all() {
    return Map.of("zip", ZipCorpus.inputs(), "tarGz", TarCorpus.inputs());
  }

  public static void main(String[] args) throws IOException {
    Path resources = Path.of(args.length > 0 ? args[0] : "runtime-core/src/test/resources");
    for (Map.Entry<String, Map<String, byte[]>> method : all().entrySet()) {
      Path dir = Files.createDirectories(resources.resolve(INPUTS).resolve(method.getKey()));
      for (Map.Entry<String, byte[]> input : method.getValue().entrySet()) {
        Files.write(dir.resolve(input.getKey()), input.getValue());
      }
      System.out.println(method.getValue().size() + " inputs in " + dir);
    }
  }
}
