package dev.berth.runtime.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.Health;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.core.ObjectStores;
import io.minio.ListMultipartUploadsArgs;
import io.minio.MinioAsyncClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the kit does not pin: credentials, reachability, buckets, metadata, presigned URLs, wiring by type. */
class MinioObjectStoreTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static S3TestServer server;
  private final List<MinioObjectStore> stores = new java.util.ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.inMemory();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void closeStores() {
    stores.forEach(MinioObjectStore::close);
  }

  private MinioObjectStore open(MinioObjectStoreBuilder builder) {
    MinioObjectStore store = builder.build();
    stores.add(store);
    return store;
  }

  /** A store whose three buckets nobody else uses. */
  private MinioObjectStore freshStore() {
    int n = BUCKETS.incrementAndGet();
    return open(server.store().codeBucket("code-" + n).resultsBucket("results-" + n).logsBucket("logs-" + n));
  }

  @Test
  void aWrongSecretFailsSayingWhichKeyToCheck() {
    MinioObjectStore store = open(MinioObjectStore.builder().endpoint(server.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, "not-the-secret"));

    assertThatThrownBy(() -> store.put(ObjectStore.RESULTS_BUCKET, "x.json", utf8("{}"), "application/json"))
        .isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("access denied for access key '" + S3TestServer.ACCESS_KEY + "' at "
            + server.endpoint() + ": check MINIO_SECRET_KEY/store.secret-key")
        .hasMessageNotContaining("not-the-secret");
    assertThatThrownBy(() -> store.getBytes(ObjectStore.RESULTS_BUCKET, "x.json"))
        .hasMessageStartingWith("Reading test-results/x.json failed: access denied");
    Health health = store.health();
    assertThat(health.healthy()).isFalse();
    assertThat(health.message()).contains("access denied for access key 'berth-test'", "store.secret-key");
  }

  @Test
  void anUnknownAccessKeyPointsAtTheAccessKey() {
    MinioObjectStore store = open(MinioObjectStore.builder().endpoint(server.endpoint())
        .credentials("nobody", server.secretKey()));

    assertThatThrownBy(() -> store.exists(ObjectStore.RESULTS_BUCKET, "x.json"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("access key 'nobody'");
  }

  @Test
  void anEndpointThatIsDownFailsQuicklyAsUnavailable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    MinioObjectStore store = open(MinioObjectStore.builder().endpoint("127.0.0.1:" + port)
        .credentials("a", "s").retries(3, Duration.ofMillis(50)));
    long start = System.nanoTime();

    assertThatThrownBy(() -> store.get(ObjectStore.CODE_BUCKET, "bot.zip"))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("Reading custom-bots/bot.zip failed: the S3 store is not reachable at http://127.0.0.1:"
            + port + " (connection refused) after 3 attempts")
        .hasMessageContaining("MINIO_ENDPOINT");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(store.health().message()).contains("not reachable at http://127.0.0.1:" + port);
  }

  @Test
  void logicalBucketsLandInTheConfiguredBuckets() throws Exception {
    MinioObjectStore store = open(server.store().codeBucket("team-a-bots").resultsBucket("team-a-results"));

    store.put(ObjectStore.CODE_BUCKET, "momentum/v7.zip", utf8("zip"), "application/zip");
    store.put(ObjectStore.RESULTS_BUCKET, "bt-1/result.json", utf8("{}"), "application/json");
    store.put("archive-2026", "old.txt", utf8("old"), "text/plain");

    MinioObjectStore raw = open(server.store());
    assertThat(raw.getBytes("team-a-bots", "momentum/v7.zip")).hasValue(utf8("zip"));
    assertThat(raw.getBytes("team-a-results", "bt-1/result.json")).hasValue(utf8("{}"));
    assertThat(raw.exists(ObjectStore.CODE_BUCKET, "momentum/v7.zip")).as("the default code bucket").isFalse();
    assertThat(store.list(ObjectStore.CODE_BUCKET, "")).extracting(ObjectInfo::bucket, ObjectInfo::key)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ObjectStore.CODE_BUCKET, "momentum/v7.zip"));
    assertThat(store.getBytes("archive-2026", "old.txt")).as("a bucket used as given").hasValue(utf8("old"));
    assertThatThrownBy(() -> store.put("Not_A_Bucket", "k", utf8("x"), "text/plain"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'Not_A_Bucket' is not a valid S3 bucket");
  }

  @Test
  void missingBucketsAreCreatedOnTheFirstWriteOrReported() {
    int n = BUCKETS.incrementAndGet();
    MinioObjectStore strict = open(server.store().createBuckets(false).resultsBucket("strict-" + n));

    assertThat(strict.get(ObjectStore.RESULTS_BUCKET, "a.json")).as("a read from a missing bucket").isEmpty();
    assertThat(strict.list(ObjectStore.RESULTS_BUCKET, "")).isEmpty();
    assertThat(strict.health().healthy()).isFalse();
    assertThat(strict.health().message()).contains("strict-" + n, "store.create-buckets=true");
    assertThatThrownBy(() -> strict.put(ObjectStore.RESULTS_BUCKET, "a.json", utf8("{}"), "application/json"))
        .isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("Bucket 'strict-" + n + "' does not exist at " + server.endpoint());

    MinioObjectStore creating = open(server.store().resultsBucket("strict-" + n));
    assertThat(creating.health().healthy()).isTrue();
    assertThat(creating.health().message()).contains("will be created on the first write");
    creating.put(ObjectStore.RESULTS_BUCKET, "a.json", utf8("{}"), "application/json");
    assertThat(strict.getBytes(ObjectStore.RESULTS_BUCKET, "a.json")).hasValue(utf8("{}"));
  }

  @Test
  void userMetadataComesBackWithLowerCaseNames() {
    MinioObjectStore store = freshStore();

    store.put(ObjectStore.CODE_BUCKET, "bot.zip", new ByteArrayInputStream(utf8("zip")), 3, "application/zip",
        Map.of("Content-SHA256", "abc123", "strategy", "momentum"));

    assertThat(store.metadata(ObjectStore.CODE_BUCKET, "bot.zip"))
        .hasValue(Map.of("content-sha256", "abc123", "strategy", "momentum"));
    assertThat(store.metadata(ObjectStore.CODE_BUCKET, "missing.zip")).isEmpty();
    assertThatThrownBy(() -> store.put(ObjectStore.CODE_BUCKET, "bad.zip", new ByteArrayInputStream(new byte[0]),
        0, "application/zip", Map.of("has space", "x"))).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("'has space'");
    assertThatThrownBy(() -> store.put(ObjectStore.CODE_BUCKET, "bad.zip", utf8("x"), "zip file"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'zip file' is not a media type");
  }

  @Test
  void presignedUrlsWorkWithAPlainHttpClient() throws Exception {
    MinioObjectStore store = freshStore();
    store.put(ObjectStore.RESULTS_BUCKET, "bt-9/result.json", utf8("{\"pnl\":3}"), "application/json");
    HttpClient http = HttpClient.newHttpClient();

    URI get = store.presignedGet(ObjectStore.RESULTS_BUCKET, "bt-9/result.json", Duration.ofMinutes(5));
    HttpResponse<String> fetched = http.send(HttpRequest.newBuilder(get).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    URI put = store.presignedPut(ObjectStore.CODE_BUCKET, "uploads/bot.zip", Duration.ofMinutes(5));
    HttpResponse<Void> uploaded = http.send(HttpRequest.newBuilder(put)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(utf8("zip bytes"))).build(),
        HttpResponse.BodyHandlers.discarding());

    assertThat(get.toString()).startsWith(server.endpoint() + "/results-").contains("X-Amz-Signature=");
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).isEqualTo("{\"pnl\":3}");
    assertThat(uploaded.statusCode()).isEqualTo(200);
    assertThat(store.getBytes(ObjectStore.CODE_BUCKET, "uploads/bot.zip")).hasValue(utf8("zip bytes"));
    HttpResponse<Void> tampered = http.send(HttpRequest.newBuilder(URI.create(get.toString()
        .replace("bt-9/result.json", "bt-9/other.json"))).GET().build(), HttpResponse.BodyHandlers.discarding());
    assertThat(tampered.statusCode()).as("a URL signed for another key").isEqualTo(403);
    assertThatThrownBy(() -> store.presignedGet(ObjectStore.RESULTS_BUCKET, "k", Duration.ofDays(8)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("7 days");
  }

  @Test
  void theContentTypeIsKeptForOnePutAndForAMultipartUpload() throws Exception {
    MinioObjectStore store = open(server.store().resultsBucket("types-" + BUCKETS.incrementAndGet())
        .partSize(MinioSettings.MIN_PART_SIZE));
    byte[] large = new byte[(int) MinioSettings.MIN_PART_SIZE * 2 + 1];
    store.put(ObjectStore.RESULTS_BUCKET, "small.zip", utf8("zip"), "application/zip");
    store.put(ObjectStore.RESULTS_BUCKET, "large.zip", new ByteArrayInputStream(large), -1, "application/zip");
    HttpClient http = HttpClient.newHttpClient();

    for (String key : List.of("small.zip", "large.zip")) {
      URI url = store.presignedGet(ObjectStore.RESULTS_BUCKET, key, Duration.ofMinutes(1));
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(response.headers().firstValue("Content-Type")).as("Content-Type of %s", key)
          .hasValue("application/zip");
    }
    assertThat(store.list(ObjectStore.RESULTS_BUCKET, "large")).extracting(ObjectInfo::size)
        .containsExactly((long) large.length);
  }

  @Test
  void aWrongLengthIsRejectedAndLeavesNoObjectOrUploadBehind() throws Exception {
    MinioObjectStore store = open(server.store().resultsBucket("length-" + BUCKETS.incrementAndGet())
        .partSize(MinioSettings.MIN_PART_SIZE));
    byte[] large = new byte[(int) MinioSettings.MIN_PART_SIZE + 100];

    assertThatThrownBy(() -> store.put(ObjectStore.RESULTS_BUCKET, "short.bin", new ByteArrayInputStream(utf8("abc")),
        10, "application/octet-stream")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("the stream had 3 bytes, but the caller announced 10");
    assertThatThrownBy(() -> store.put(ObjectStore.RESULTS_BUCKET, "long.bin", new ByteArrayInputStream(large),
        large.length - 1, "application/octet-stream")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("had " + large.length + " bytes");

    assertThat(store.list(ObjectStore.RESULTS_BUCKET, "")).isEmpty();
    try (MinioAsyncClient raw = MinioAsyncClient.builder().endpoint(server.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, server.secretKey()).region("us-east-1").build()) {
      String bucket = store.toString().replaceAll(".*test-results=([^,}]+).*", "$1");
      assertThat(raw.listMultipartUploads(ListMultipartUploadsArgs.builder().bucket(bucket).build()).get()
          .result().uploads()).as("multipart uploads left open").isEmpty();
    }
  }

  @Test
  void aClosedStoreRefusesCalls() {
    MinioObjectStore store = open(server.store());
    store.close();

    assertThatThrownBy(() -> store.exists(ObjectStore.CODE_BUCKET, "x")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("is closed");
    assertThat(store.health().healthy()).isFalse();
  }

  @Test
  void storeTypeMinioOrS3BuildsThisStoreFromTheConfig() {
    RuntimeConfig config = RuntimeConfig.of(Map.of("store.endpoint", server.endpoint(),
        "store.access-key", S3TestServer.ACCESS_KEY, "store.secret-key", server.secretKey(),
        "store.code-bucket", "wired-" + BUCKETS.incrementAndGet()));

    for (RuntimeConfig each : List.of(config, config.with("store.type", "minio"), config.with("store.type", "S3"))) {
      Optional<ObjectStore> store = ObjectStores.fromConfig(each);
      assertThat(store).as("store for %s", each).containsInstanceOf(MinioObjectStore.class);
      try (MinioObjectStore minio = (MinioObjectStore) store.orElseThrow()) {
        minio.put(ObjectStore.CODE_BUCKET, "wired.txt", utf8("ok"), "text/plain");
        assertThat(minio.health().healthy()).isTrue();
      }
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
