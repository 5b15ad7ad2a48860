package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MockObjectStoreTest {
  private final MockObjectStore store = new MockObjectStore();

  @Test
  void presignedUrlsResolveToTheObject() {
    store.put(ObjectStore.RESULTS_BUCKET, "bt 1/result.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json");
    URI url = store.presignedGet(ObjectStore.RESULTS_BUCKET, "bt 1/result.json", Duration.ofMinutes(5));
    assertThat(url.getScheme()).isEqualTo("mock");
    assertThat(store.resolve(url)).hasValue("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(store.keys(ObjectStore.RESULTS_BUCKET)).containsExactly("bt 1/result.json");
    assertThat(store.contentType(ObjectStore.RESULTS_BUCKET, "bt 1/result.json")).hasValue("application/json");
  }

  @Test
  void aWrongDeclaredLengthIsRejected() {
    assertThatThrownBy(() -> store.put(ObjectStore.CODE_BUCKET, "a.zip", new ByteArrayInputStream(new byte[3]), 5,
        "application/zip")).isInstanceOf(RuntimeOperationException.class).hasMessageContaining("declared 5");
    assertThat(store.exists(ObjectStore.CODE_BUCKET, "a.zip")).isFalse();
  }

  @Test
  void badBucketsAreRejected() {
    assertThatThrownBy(() -> store.exists("Not_A_Bucket", "a")).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("bucket");
  }
}
