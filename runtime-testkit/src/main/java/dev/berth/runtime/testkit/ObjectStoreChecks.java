package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;

/** The ObjectStore contract: round trips, listing, deletes, atomic overwrite, streaming, key validation. */
final class ObjectStoreChecks {
  static final String BUCKET = ObjectStore.RESULTS_BUCKET;
  static final List<String> INVALID_KEYS = List.of("", "/absolute/key", "..", "../escape", "a/../../escape",
      "a/./b", "./a");

  private final ObjectStore store;
  private final KitTimeouts timeouts;
  private final String prefix = KitIds.id("tck-store") + "/";

  ObjectStoreChecks(ObjectStore store, KitTimeouts timeouts) {
    this.store = store;
    this.timeouts = timeouts;
  }

  private String key(String name) {
    return prefix + name;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  void putThenGetReturnsTheBytes() {
    store.put(BUCKET, key("result.json"), utf8("{\"pnl\":1}"), "application/json");
    assertThat(store.getBytes(BUCKET, key("result.json"))).as("bytes read back").hasValueSatisfying(bytes ->
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"pnl\":1}"));
    assertThat(store.exists(BUCKET, key("result.json"))).as("exists after put").isTrue();
  }

  void anUnknownKeyIsAbsent() {
    assertThat(store.get(BUCKET, key("missing.json"))).as("get of an unknown key").isEmpty();
    assertThat(store.getBytes(BUCKET, key("missing.json"))).as("getBytes of an unknown key").isEmpty();
    assertThat(store.exists(BUCKET, key("missing.json"))).as("exists of an unknown key").isFalse();
  }

  void listReturnsThePrefixSortedByKey() {
    Instant before = Instant.now().minus(Duration.ofMinutes(5));
    for (String name : List.of("b/2.json", "a/3.json", "a/1.json", "c.json", "ab.json")) {
      store.put(BUCKET, key(name), utf8(name), "application/json");
    }
    List<ObjectInfo> listed = store.list(BUCKET, key("a/"));
    assertThat(listed).extracting(ObjectInfo::key).as("keys listed under %s", key("a/"))
        .containsExactly(key("a/1.json"), key("a/3.json"));
    assertThat(listed).allSatisfy(info -> {
      assertThat(info.bucket()).as("bucket of %s", info.key()).isEqualTo(BUCKET);
      assertThat(info.size()).as("size of %s", info.key()).isEqualTo(8);
      assertThat(info.lastModified()).as("lastModified of %s", info.key())
          .isBetween(before, Instant.now().plus(Duration.ofMinutes(5)));
    });
    assertThat(store.list(BUCKET, prefix)).extracting(ObjectInfo::key).as("all keys of the test, sorted")
        .containsExactly(key("a/1.json"), key("a/3.json"), key("ab.json"), key("b/2.json"), key("c.json"));
    assertThat(store.list(BUCKET, key("zzz"))).as("list of an unmatched prefix").isEmpty();
  }

  void statDescribesTheObject() {
    String key = key("stat/bundle.zip");
    store.put(BUCKET, key, utf8("version-1"), "application/zip");
    Optional<ObjectInfo> first = store.stat(BUCKET, key);
    assertThat(first).as("stat of %s", key).hasValueSatisfying(info -> {
      assertThat(info.bucket()).as("bucket").isEqualTo(BUCKET);
      assertThat(info.key()).as("key").isEqualTo(key);
      assertThat(info.size()).as("size").isEqualTo(9);
    });
    assertThat(store.stat(BUCKET, key("stat/missing.zip"))).as("stat of an unknown key").isEmpty();
    assertThat(store.stat(BUCKET, key("stat"))).as("stat of a prefix of other keys").isEmpty();
    if (first.orElseThrow().etag().isEmpty()) {
      return; // the store keeps no content tag: nothing more to compare
    }
    store.put(BUCKET, key, utf8("version-2"), "application/zip");
    Optional<String> second = store.stat(BUCKET, key).flatMap(ObjectInfo::etag);
    assertThat(second).as("the etag after the content changed").isPresent().isNotEqualTo(first.get().etag());
    store.put(BUCKET, key("stat/copy.zip"), utf8("version-2"), "application/zip");
    assertThat(store.stat(BUCKET, key("stat/copy.zip")).flatMap(ObjectInfo::etag))
        .as("the etag of an object with the same bytes, written the same way").isEqualTo(second);
    assertThat(store.list(BUCKET, key("stat/"))).extracting(ObjectInfo::etag).as("etags listed")
        .containsExactly(second, second);
  }

  void deleteIsIdempotent() {
    store.put(BUCKET, key("gone.json"), utf8("{}"), "application/json");
    store.delete(BUCKET, key("gone.json"));
    assertThat(store.exists(BUCKET, key("gone.json"))).as("exists after delete").isFalse();
    assertThat(store.get(BUCKET, key("gone.json"))).as("get after delete").isEmpty();
    store.delete(BUCKET, key("gone.json"));
    store.delete(BUCKET, key("never-there.json"));
    assertThat(store.list(BUCKET, prefix)).as("objects after deleting the only one").isEmpty();
  }

  void overwriteIsAtomic() throws Exception {
    byte[] first = new byte[256 * 1024];
    byte[] second = new byte[256 * 1024];
    Arrays.fill(first, (byte) 'a');
    Arrays.fill(second, (byte) 'b');
    String key = key("swap.bin");
    store.put(BUCKET, key, first, "application/octet-stream");
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> torn = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      while (writing.get()) {
        Optional<byte[]> read = store.getBytes(BUCKET, key);
        if (read.isEmpty()) {
          torn.add("the object was missing during an overwrite");
        } else if (!Arrays.equals(read.get(), first) && !Arrays.equals(read.get(), second)) {
          torn.add("a read returned " + read.get().length + " bytes mixing old and new content");
        }
      }
    }, KitExecutors.daemon("store-reader"));
    for (int i = 0; i < 20; i++) {
      store.put(BUCKET, key, i % 2 == 0 ? second : first, "application/octet-stream");
    }
    writing.set(false);
    reader.get(timeouts.await().toMillis(), TimeUnit.MILLISECONDS);
    assertThat(torn).as("reads during 20 overwrites (each must see the old or the new object whole)").isEmpty();
    assertThat(store.getBytes(BUCKET, key)).as("content after the last overwrite").hasValue(first);
  }

  void largeObjectsStream() throws IOException {
    byte[] data = new byte[5 * 1024 * 1024 + 17];
    new Random(42).nextBytes(data);
    store.put(BUCKET, key("large.bin"), new ByteArrayInputStream(data), data.length, "application/octet-stream");
    store.put(BUCKET, key("unknown-length.bin"), new ByteArrayInputStream(data), -1, "application/octet-stream");
    for (String name : List.of("large.bin", "unknown-length.bin")) {
      Optional<InputStream> in = store.get(BUCKET, key(name));
      assertThat(in).as("stream of %s", name).isPresent();
      try (InputStream stream = in.get()) {
        assertThat(digest(stream)).as("SHA-256 of %s read back", name).isEqualTo(digest(new ByteArrayInputStream(data)));
      }
    }
    assertThat(store.list(BUCKET, key("large"))).extracting(ObjectInfo::size).as("size listed")
        .containsExactly((long) data.length);
  }

  void emptyObjectsRoundTrip() {
    store.put(BUCKET, key("empty"), new byte[0], "application/octet-stream");
    assertThat(store.getBytes(BUCKET, key("empty"))).as("an empty object read back").hasValue(new byte[0]);
  }

  void bucketsAreSeparate() {
    store.put(ObjectStore.CODE_BUCKET, key("same.txt"), utf8("code"), "text/plain");
    store.put(ObjectStore.LOGS_BUCKET, key("same.txt"), utf8("logs"), "text/plain");
    assertThat(store.getBytes(ObjectStore.CODE_BUCKET, key("same.txt"))).hasValue(utf8("code"));
    assertThat(store.getBytes(ObjectStore.LOGS_BUCKET, key("same.txt"))).hasValue(utf8("logs"));
    store.delete(ObjectStore.CODE_BUCKET, key("same.txt"));
    assertThat(store.exists(ObjectStore.LOGS_BUCKET, key("same.txt"))).as("the other bucket's object").isTrue();
    store.delete(ObjectStore.LOGS_BUCKET, key("same.txt"));
  }

  void invalidKeysAreRejected() {
    SoftAssertions softly = new SoftAssertions();
    for (String bad : INVALID_KEYS) {
      softly.assertThatThrownBy(() -> store.put(BUCKET, bad, utf8("x"), "text/plain")).as("put of key '%s'", bad)
          .isInstanceOf(InvalidSpecException.class);
      softly.assertThatThrownBy(() -> store.get(BUCKET, bad)).as("get of key '%s'", bad)
          .isInstanceOf(InvalidSpecException.class);
      softly.assertThatThrownBy(() -> store.exists(BUCKET, bad)).as("exists of key '%s'", bad)
          .isInstanceOf(InvalidSpecException.class);
      softly.assertThatThrownBy(() -> store.delete(BUCKET, bad)).as("delete of key '%s'", bad)
          .isInstanceOf(InvalidSpecException.class);
      softly.assertThatThrownBy(() -> store.presignedGet(BUCKET, bad, Duration.ofMinutes(5)))
          .as("presignedGet of key '%s'", bad).isInstanceOf(InvalidSpecException.class);
    }
    softly.assertAll();
  }

  void presignedUrlsAreAbsolute() {
    store.put(BUCKET, key("signed.json"), utf8("{}"), "application/json");
    URI get = store.presignedGet(BUCKET, key("signed.json"), Duration.ofMinutes(5));
    URI put = store.presignedPut(BUCKET, key("upload.json"), Duration.ofMinutes(5));
    assertThat(get).as("presignedGet").isNotNull();
    assertThat(get.isAbsolute()).as("presignedGet %s has a scheme", get).isTrue();
    assertThat(put).as("presignedPut").isNotNull();
    assertThat(put.isAbsolute()).as("presignedPut %s has a scheme", put).isTrue();
  }

  void presignedGetCanBeFetched() throws Exception {
    byte[] content = utf8("{\"signed\":true}");
    store.put(BUCKET, key("fetch.json"), content, "application/json");
    URI uri = store.presignedGet(BUCKET, key("fetch.json"), Duration.ofMinutes(5));
    byte[] fetched;
    if ("file".equals(uri.getScheme())) {
      fetched = Files.readAllBytes(Path.of(uri));
    } else if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
      HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
          .timeout(timeouts.await()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).as("HTTP status of GET %s", uri).isEqualTo(200);
      fetched = response.body();
    } else {
      fetched = abort("the kit cannot fetch '" + uri.getScheme() + ":' URLs; only file and http(s)");
    }
    assertThat(fetched).as("bytes fetched from the presigned GET URL").isEqualTo(content);
  }

  void presignedPutCanBeUploaded() throws Exception {
    byte[] content = utf8("{\"uploaded\":true}");
    URI uri = store.presignedPut(BUCKET, key("uploaded.json"), Duration.ofMinutes(5));
    if ("file".equals(uri.getScheme())) {
      Path target = Path.of(uri);
      Files.createDirectories(target.getParent());
      Files.write(target, content);
    } else if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
      HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
          .timeout(timeouts.await()).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).as("HTTP status of PUT %s", uri).isBetween(200, 299);
    } else {
      abort("the kit cannot upload to '" + uri.getScheme() + ":' URLs; only file and http(s)");
    }
    assertThat(store.getBytes(BUCKET, key("uploaded.json"))).as("object uploaded through the URL")
        .hasValue(content);
  }

  void concurrentPutsAreAllStored() throws Exception {
    List<CompletableFuture<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String name = "parallel-" + i + ".txt";
      puts.add(CompletableFuture.runAsync(() -> store.put(BUCKET, key(name), utf8(name), "text/plain"),
          KitExecutors.daemon("store-put")));
    }
    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(timeouts.await().toMillis(),
        TimeUnit.MILLISECONDS);
    assertThat(store.list(BUCKET, key("parallel-"))).as("objects after 8 concurrent puts").hasSize(8);
    for (int i = 0; i < 8; i++) {
      assertThat(store.getBytes(BUCKET, key("parallel-" + i + ".txt"))).hasValue(utf8("parallel-" + i + ".txt"));
    }
  }

  /** Deletes what the test wrote (stores shared between tests stay tidy); never throws. */
  void cleanUp() {
    for (String bucket : List.of(BUCKET, ObjectStore.CODE_BUCKET, ObjectStore.LOGS_BUCKET)) {
      try {
        store.list(bucket, prefix).stream().map(ObjectInfo::key).collect(Collectors.toList())
            .forEach(key -> store.delete(bucket, key));
      } catch (RuntimeException e) {
        // Best effort: the kit's store is meant to be fresh per test anyway.
      }
    }
  }

  private static String digest(InputStream in) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
      StringBuilder hex = new StringBuilder();
      for (byte b : sha.digest()) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
