package dev.berth.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.core.internal.BundleCache;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.runtime.minio.MinioObjectStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local bots run code uploaded to an S3 server; a bundle many bots share is downloaded once. */
class LocalStoredCodeTest {
  static final String KEY = "momentum/v7.zip";
  static final int DATA_BYTES = 8 << 20;

  @TempDir
  Path stateDir;
  private S3Server server;
  private MinioObjectStore store;

  @BeforeEach
  void upload() throws Exception {
    server = S3Server.started();
    store = server.store();
    store.put(ObjectStore.CODE_BUCKET, KEY, Bundles.zip("echo \"stored code $(wc -c < data/prices.bin)\"\n",
        DATA_BYTES), "application/zip");
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    server.close();
  }

  private LocalRuntime runtime() {
    return LocalRuntime.builder().stateDir(stateDir).scope("stored-code").objectStore(store).build();
  }

  static BotSpec bot(String id) {
    return BotSpec.builder(id).codeBundle(CodeBundle.stored(KEY)).command("sh", "run.sh").build();
  }

  static List<String> awaitOutput(Runtime runtime, String id) {
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.status(id).state() == BotState.STOPPED);
    try (Stream<LogLine> lines = runtime.logs(id, LogOptions.DEFAULT)) {
      return lines.map(LogLine::text).toList();
    }
  }

  @Test
  void twoBotsRunTheStoredCodeWhichIsDownloadedOnce() throws Exception {
    long download;
    long hit;
    try (LocalRuntime runtime = runtime()) {
      long started = System.nanoTime();
      runtime.create(bot("first"));
      download = System.nanoTime() - started;
      started = System.nanoTime();
      runtime.create(bot("second"));
      hit = System.nanoTime() - started;
      runtime.start("first");
      runtime.start("second");

      assertThat(awaitOutput(runtime, "first")).containsExactly("stored code " + DATA_BYTES);
      assertThat(awaitOutput(runtime, "second")).containsExactly("stored code " + DATA_BYTES);
      assertThat(server.gets("custom-bots", KEY)).as("GETs of the bundle after two bots used it").isEqualTo(1);
      runtime.delete("first");
      runtime.delete("second");
    }
    try (LocalRuntime again = runtime()) {
      again.create(bot("third"));
      again.start("third");
      assertThat(awaitOutput(again, "third")).containsExactly("stored code " + DATA_BYTES);
      again.delete("third");
    }
    assertThat(server.gets("custom-bots", KEY)).as("GETs after a new runtime on the same state directory").isEqualTo(1);

    long started = System.nanoTime();
    try (InputStream in = store.get(ObjectStore.CODE_BUCKET, KEY).orElseThrow()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    long rawGet = System.nanoTime() - started;
    System.out.printf("Stored bundle of %d MiB: create with download %d ms, create from the cache %d ms, "
        + "plain GET %d ms%n", DATA_BYTES >> 20, download / 1_000_000, hit / 1_000_000, rawGet / 1_000_000);
  }

  /** Prints what a cache hit saves: a download (GET, MD5, SHA-256, write) against a check (stat, SHA-256). */
  @Test
  void aCacheHitCostsAStatAndAChecksumInsteadOfADownload() throws Exception {
    int rounds = 5;
    long[] downloads = new long[rounds];
    long[] hits = new long[rounds];
    for (int round = 0; round < rounds; round++) {
      BundleCache cache = new BundleCache(stateDir.resolve("measure-" + round), BundleCache.DEFAULT_MAX_BYTES);
      downloads[round] = timeOpen(cache);
      hits[round] = timeOpen(cache);
    }
    assertThat(server.gets("custom-bots", KEY)).as("GETs: one per fresh cache, none for the hits").isEqualTo(rounds);
    Arrays.sort(downloads);
    Arrays.sort(hits);
    System.out.printf("Bundle of %d MiB through the cache, median of %d: download %d ms, hit %d ms%n",
        DATA_BYTES >> 20, rounds, downloads[rounds / 2] / 1_000_000, hits[rounds / 2] / 1_000_000);
  }

  private long timeOpen(BundleCache cache) throws Exception {
    long started = System.nanoTime();
    ObjectInfo info = store.stat(ObjectStore.CODE_BUCKET, KEY).orElseThrow();
    try (InputStream in = cache.open(store, ObjectStore.CODE_BUCKET, KEY, info).orElseThrow()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return System.nanoTime() - started;
  }

  @Test
  void aReplacedBundleIsDownloadedAgain() throws Exception {
    try (LocalRuntime runtime = runtime()) {
      runtime.create(bot("before"));
      runtime.start("before");
      assertThat(awaitOutput(runtime, "before")).containsExactly("stored code " + DATA_BYTES);

      store.put(ObjectStore.CODE_BUCKET, KEY, Bundles.zip("echo fixed\n", 0), "application/zip");
      runtime.create(bot("after"));
      runtime.start("after");

      assertThat(awaitOutput(runtime, "after")).containsExactly("fixed");
      assertThat(server.gets("custom-bots", KEY)).isEqualTo(2);
      runtime.delete("before");
      runtime.delete("after");
    }
  }
}
