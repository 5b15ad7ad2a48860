package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.RuntimeOperationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the file system store adds to the shared contract: layout, key rules, atomic writes. */
class FileSystemObjectStoreBehaviourTest {
  @TempDir Path root;

  @ParameterizedTest
  @ValueSource(strings = {"", "../escape", "a/../../escape", "/abs", "a\\b", "a\0b", "a//b", "a/", "./a", "a/./b",
      ".berth-tmp-123", "x/.berth-tmp-1"})
  void rejectsUnsafeKeys(String key) {
    // The store lives one level down, so an escape would land in this test's own directory, which is all
    // the check below walks (never the shared temp directory).
    Path storeRoot = root.resolve("store");
    FileSystemObjectStore store = new FileSystemObjectStore(storeRoot);

    assertThatThrownBy(() -> store.put("custom-bots", key, new byte[] {1}, "application/octet-stream"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("key: ");
    assertThatThrownBy(() -> store.get("custom-bots", key)).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> store.delete("custom-bots", key)).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> store.presignedGet("custom-bots", key, Duration.ofMinutes(1)))
        .isInstanceOf(InvalidSpecException.class);
    try (Stream<Path> files = Files.walk(root, 3)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("escape"))).isEmpty();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ab", "UPPER", "..", "a..b", "-ab", "ab-", "a/b", "a_b", "../x"})
  void rejectsInvalidBucketNames(String bucket) {
    FileSystemObjectStore store = new FileSystemObjectStore(root);

    assertThatThrownBy(() -> store.exists(bucket, "k")).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("bucket: ");
    assertThatThrownBy(() -> store.list(bucket, "")).isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void storesObjectsAsPlainFilesAndListsByPrefix() throws IOException {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    store.put("custom-bots", "momentum/v7.zip", bytes("zip"), "application/zip");
    store.put("custom-bots", "momentum/v10.zip", bytes("zip10"), "application/zip");
    store.put("custom-bots", "mean/v1.zip", bytes("m"), "application/zip");
    store.put("test-results", "bt-1/result.json", bytes("{}"), "application/json");

    assertThat(root.resolve("custom-bots/momentum/v7.zip")).hasContent("zip");
    assertThat(store.list("custom-bots", "mo")).extracting(ObjectInfo::key)
        .containsExactly("momentum/v10.zip", "momentum/v7.zip");
    assertThat(store.list("custom-bots", "momentum/v1")).extracting(ObjectInfo::key)
        .containsExactly("momentum/v10.zip");
    assertThat(store.list("custom-bots", "")).hasSize(3).first()
        .satisfies(info -> assertThat(info.size()).isEqualTo(1));
    assertThat(store.list("custom-bots", "nothing/here")).isEmpty();
    assertThat(store.list("no-such-bucket", "")).isEmpty();
  }

  @Test
  void deleteRemovesEmptyDirectoriesSoTheKeyCanBecomeAPrefix() {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    store.put("bot-logs", "a/b/c.log", bytes("x"), "text/plain");

    store.delete("bot-logs", "a/b/c.log");
    store.delete("bot-logs", "a/b/c.log");
    store.put("bot-logs", "a", bytes("now a file"), "text/plain");

    assertThat(root.resolve("bot-logs/a")).isRegularFile();
    assertThat(store.getBytes("bot-logs", "a")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("now a file")));
  }

  @Test
  void anObjectCannotAlsoBeADirectory() {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    store.put("bot-logs", "a/b", bytes("x"), "text/plain");

    assertThatThrownBy(() -> store.put("bot-logs", "a", bytes("y"), "text/plain"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("cannot hold both");
    assertThatThrownBy(() -> store.put("bot-logs", "a/b/c", bytes("y"), "text/plain"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("cannot hold both");
    assertThat(store.exists("bot-logs", "a")).isFalse();
    assertThat(store.get("bot-logs", "a")).isEmpty();
    assertThat(store.get("bot-logs", "a/b/c")).isEmpty();
  }

  @Test
  void aWrongLengthFailsAndKeepsTheOldObject() throws IOException {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    store.put("custom-bots", "k", bytes("old"), "text/plain");

    assertThatThrownBy(() -> store.put("custom-bots", "k", new ByteArrayInputStream(bytes("new!")), 99, "text/plain"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("4 bytes").hasMessageContaining("99");
    assertThat(store.getBytes("custom-bots", "k")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("old")));
    try (Stream<Path> files = Files.list(root.resolve("custom-bots"))) {
      assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("k");
    }
  }

  @Test
  void aFailingStreamLeavesNoTemporaryFileAndNoObject() throws IOException {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    InputStream failing = new InputStream() {
      private int left = 3;

      @Override
      public int read() throws IOException {
        throw new IOException("network gone");
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (left-- <= 0) {
          throw new IOException("network gone");
        }
        java.util.Arrays.fill(buffer, offset, offset + length, (byte) 'x');
        return length;
      }
    };

    assertThatThrownBy(() -> store.put("custom-bots", "dir/k", failing, -1, "text/plain"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("network gone");
    assertThat(store.exists("custom-bots", "dir/k")).isFalse();
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void readersSeeTheOldOrTheNewObjectNeverAPart() throws Exception {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    byte[] a = "a".repeat(256 * 1024).getBytes(StandardCharsets.US_ASCII);
    byte[] b = "b".repeat(256 * 1024).getBytes(StandardCharsets.US_ASCII);
    store.put("custom-bots", "k", a, "text/plain");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int i = 0; i < 100; i++) {
          store.put("custom-bots", "k", i % 2 == 0 ? b : a, "text/plain");
        }
      });
      List<byte[]> seen = new ArrayList<>();
      while (!writer.isDone()) {
        seen.add(store.getBytes("custom-bots", "k").orElseThrow());
      }
      writer.get();
      assertThat(seen).isNotEmpty().allSatisfy(read -> assertThat(read).satisfiesAnyOf(
          r -> assertThat(r).isEqualTo(a), r -> assertThat(r).isEqualTo(b)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void presignedUrlsAreFileUris() throws IOException {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    store.put("test-results", "bt-1/result.json", bytes("{}"), "application/json");

    Path get = Path.of(store.presignedGet("test-results", "bt-1/result.json", Duration.ofMinutes(5)));
    Path put = Path.of(store.presignedPut("test-results", "bt-2/result.json", Duration.ofMinutes(5)));

    assertThat(get).hasContent("{}");
    assertThat(put).isEqualTo(root.resolve("test-results/bt-2/result.json"));
    assertThatThrownBy(() -> store.presignedGet("test-results", "k", Duration.ZERO))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("expiry");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
