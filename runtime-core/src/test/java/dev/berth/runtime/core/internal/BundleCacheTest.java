package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.FileSystemObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stored bundles are downloaded once per content tag, verified, and never cached half or wrong. */
class BundleCacheTest {
  private static final String KEY = "momentum/v7.zip";

  @TempDir
  Path tmp;
  private final CountingStore store = new CountingStore();
  private final AtomicInteger workspaces = new AtomicInteger();

  private CodeMaterializer materializer(long cacheBytes) {
    return new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.of(store),
        Optional.of(new BundleCache(tmp.resolve("cache"), cacheBytes)));
  }

  private static byte[] bundle(String code) {
    return new TestArchives.Zip().file("main.py", code).bytes();
  }

  private void upload(String key, String code) {
    store.put(ObjectStore.CODE_BUCKET, key, bundle(code), "application/zip");
  }

  private String materialize(CodeMaterializer materializer, String key) throws IOException {
    int number = workspaces.incrementAndGet();
    BotSpec spec = BotSpec.builder("bot-" + number).codeBundle(CodeBundle.stored(key)).entrypoint("main.py").build();
    try (Workspace workspace = materializer.materialize(spec, tmp.resolve("ws-" + number))) {
      return Files.readString(workspace.root().resolve("main.py"));
    }
  }

  private List<String> cacheFiles() throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("cache"))) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aBundleSharedByManyBotsIsDownloadedOnce() throws IOException {
    upload(KEY, "print('v7')");
    CodeMaterializer materializer = materializer(BundleCache.DEFAULT_MAX_BYTES);

    for (int i = 0; i < 3; i++) {
      assertThat(materialize(materializer, KEY)).isEqualTo("print('v7')");
    }

    assertThat(store.gets).as("downloads of a bundle used three times").hasValue(1);
    assertThat(store.stats).as("one stat per use tells whether the copy is current").hasValue(3);
    assertThat(materialize(materializer(BundleCache.DEFAULT_MAX_BYTES), KEY)).as("a new runtime on the same cache")
        .isEqualTo("print('v7')");
    assertThat(store.gets).as("downloads after a second materialiser used the same directory").hasValue(1);
  }

  @Test
  void aReplacedBundleIsDownloadedAgain() throws IOException {
    CodeMaterializer materializer = materializer(BundleCache.DEFAULT_MAX_BYTES);
    upload(KEY, "print('v7')");
    assertThat(materialize(materializer, KEY)).isEqualTo("print('v7')");

    upload(KEY, "print('v7 fixed')");

    assertThat(materialize(materializer, KEY)).isEqualTo("print('v7 fixed')");
    assertThat(store.gets).hasValue(2);
  }

  @Test
  void concurrentUsesOfOneBundleDownloadItOnce() throws Exception {
    upload(KEY, "print('v7')");
    CodeMaterializer materializer = materializer(BundleCache.DEFAULT_MAX_BYTES);
    int threads = 8;
    // The download waits until every thread has asked for the bundle, so all of them overlap with it.
    store.beforeGet = () -> Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> store.stats.get() >= threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> materialize(materializer, KEY)));
      }
      for (Future<String> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("print('v7')");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.gets).as("downloads by %s concurrent materialisations", threads).hasValue(1);
  }

  @Test
  void aDownloadCutShortLeavesNothingInTheCache() throws IOException {
    upload(KEY, "print('v7')".repeat(500));
    store.onGet = in -> new FilterInputStream(in) {
      private int left = 100;

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (left <= 0) {
          throw new IOException("connection reset");
        }
        int n = super.read(buffer, offset, Math.min(length, left));
        left -= Math.max(n, 0);
        return n;
      }
    };
    CodeMaterializer materializer = materializer(BundleCache.DEFAULT_MAX_BYTES);

    assertThatThrownBy(() -> materialize(materializer, KEY)).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("connection reset");
    assertThat(cacheFiles()).as("files in the cache after a broken download")
        .noneMatch(name -> name.endsWith(".bundle") || name.startsWith(".download-"));

    store.onGet = in -> in;
    assertThat(materialize(materializer, KEY)).isEqualTo("print('v7')".repeat(500));
    assertThat(store.gets).hasValue(2);
  }

  @Test
  void aBundleReplacedDuringTheDownloadIsNotCachedUnderTheOldTag() throws IOException {
    upload(KEY, "print('old')");
    ObjectInfo old = store.delegate.stat(ObjectStore.CODE_BUCKET, KEY).orElseThrow();
    // Replaced between the stat and the first get: the bytes fetched do not belong to the tag that was stated.
    store.beforeGet = () -> {
      if (store.gets.get() == 1) {
        upload(KEY, "print('new')");
      }
    };

    assertThat(materialize(materializer(BundleCache.DEFAULT_MAX_BYTES), KEY)).isEqualTo("print('new')");

    ObjectInfo current = store.delegate.stat(ObjectStore.CODE_BUCKET, KEY).orElseThrow();
    assertThat(cacheFiles()).as("cache entries").contains(BundleCache.entryName(current) + ".bundle")
        .doesNotContain(BundleCache.entryName(old) + ".bundle");
    assertThat(store.gets).as("the download of the stated tag, then of the new one").hasValue(2);
  }

  @Test
  void aDamagedCopyIsDownloadedAgain() throws IOException {
    upload(KEY, "print('v7')");
    CodeMaterializer materializer = materializer(BundleCache.DEFAULT_MAX_BYTES);
    materialize(materializer, KEY);
    Path entry = tmp.resolve("cache").resolve(BundleCache.entryName(store.delegate.stat(ObjectStore.CODE_BUCKET, KEY)
        .orElseThrow()) + ".bundle");
    byte[] damaged = Files.readAllBytes(entry);
    damaged[damaged.length / 2] ^= 0x5a;
    Files.write(entry, damaged);

    assertThat(materialize(materializer, KEY)).isEqualTo("print('v7')");
    assertThat(store.gets).hasValue(2);
  }

  @Test
  void theLeastRecentlyUsedBundlesMakeRoomAndTheNewestIsAlwaysKept() throws IOException {
    upload("a.zip", "print('a')");
    upload("b.zip", "print('b')");
    CodeMaterializer tiny = materializer(1);

    assertThat(materialize(tiny, "a.zip")).isEqualTo("print('a')");
    assertThat(materialize(tiny, "b.zip")).isEqualTo("print('b')");
    assertThat(cacheFiles()).as("a cache of 1 byte keeps only the bundle just used")
        .filteredOn(name -> name.endsWith(".bundle"))
        .containsExactly(BundleCache.entryName(store.delegate.stat(ObjectStore.CODE_BUCKET, "b.zip").orElseThrow())
            + ".bundle");
    assertThat(materialize(tiny, "a.zip")).isEqualTo("print('a')");
    assertThat(store.gets).as("a.zip was evicted, so it is downloaded again").hasValue(3);
  }

  @Test
  void aStoreWithoutContentTagsIsReadDirectly() throws IOException {
    FileSystemObjectStore files = new FileSystemObjectStore(tmp.resolve("store"));
    files.put(ObjectStore.CODE_BUCKET, KEY, bundle("print('fs')"), "application/zip");
    CodeMaterializer materializer = new CodeMaterializer(ExtractionLimits.DEFAULTS, Optional.of(files),
        Optional.of(new BundleCache(tmp.resolve("cache"), BundleCache.DEFAULT_MAX_BYTES)));

    assertThat(materialize(materializer, KEY)).isEqualTo("print('fs')");
    assertThat(tmp.resolve("cache")).as("the cache of a store whose objects are local files").doesNotExist();
  }

  @Test
  void theSizeComesFromTheConfigAndZeroTurnsTheCacheOff() {
    Path dir = tmp.resolve("cache");
    assertThat(BundleCache.fromConfig(RuntimeConfig.empty(), dir)).hasValueSatisfying(cache ->
        assertThat(cache.toString()).contains(String.valueOf(BundleCache.DEFAULT_MAX_BYTES)));
    assertThat(BundleCache.fromConfig(RuntimeConfig.of(Map.of(BundleCache.SIZE_KEY, "64m")), dir))
        .hasValueSatisfying(cache -> assertThat(cache.toString()).contains(String.valueOf(64L << 20)));
    assertThat(BundleCache.fromConfig(RuntimeConfig.of(Map.of(BundleCache.SIZE_KEY, "0")), dir)).isEmpty();
    assertThatThrownBy(() -> BundleCache.fromConfig(RuntimeConfig.of(Map.of(BundleCache.SIZE_KEY, "lots")), dir))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining(BundleCache.SIZE_KEY);
  }

  @Test
  void aBundleDeletedFromTheStoreIsReportedMissing() {
    CodeMaterializer materializer = materializer(BundleCache.DEFAULT_MAX_BYTES);
    assertThatThrownBy(() -> materialize(materializer, "gone.zip"))
        .hasMessageContaining("object 'custom-bots/gone.zip' does not exist");
    assertThat(store.gets).as("downloads of a bundle the store does not have").hasValue(0);
  }
}
