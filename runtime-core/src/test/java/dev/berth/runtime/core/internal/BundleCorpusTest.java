package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundleCorpusTest {
  @Test
  void theCommittedCorpusIsWhatTheGeneratorWrites() throws IOException {
    for (Map.Entry<String, Map<String, byte[]>> method : BundleCorpus.all().entrySet()) {
      for (Map.Entry<String, byte[]> input : method.getValue().entrySet()) {
        String resource = "/" + BundleCorpus.INPUTS + "/" + method.getKey() + "/" + input.getKey();
        try (InputStream committed = getClass().getResourceAsStream(resource)) {
          assertThat(committed).as("%s is committed; run BundleCorpus to regenerate the corpus", resource)
              .isNotNull();
          assertThat(committed.readAllBytes()).as("%s matches its generator; run BundleCorpus", resource)
              .isEqualTo(input.getValue());
        }
      }
    }
  }

  @Test
  void everyCategoryIsCovered() {
    for (Map<String, byte[]> inputs : BundleCorpus.all().values()) {
      assertThat(inputs.keySet()).anyMatch(name -> name.startsWith("slip-"))
          .anyMatch(name -> name.startsWith("link-")).anyMatch(name -> name.startsWith("duplicate-"))
          .anyMatch(name -> name.startsWith("bomb-")).anyMatch(name -> name.startsWith("count-100000"))
          .anyMatch(name -> name.startsWith("name-nul")).anyMatch(name -> name.startsWith("name-newline"))
          .anyMatch(name -> name.startsWith("name-4000")).anyMatch(name -> name.startsWith("special-setuid"))
          .anyMatch(name -> name.startsWith("valid-"));
    }
    assertThat(TarCorpus.inputs().keySet()).anyMatch(name -> name.startsWith("hardlink-"))
        .anyMatch(name -> name.startsWith("special-fifo")).anyMatch(name -> name.contains("device"));
  }
}
