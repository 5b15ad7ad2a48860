package dev.berth.runtime.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transient failures are retried request by request; final ones are not. Faults come from a proxy. */
class MinioRetryTest {
  private static final String BUCKET = ObjectStore.RESULTS_BUCKET;
  private static S3TestServer server;
  private FaultyProxy proxy;
  private MinioObjectStore store;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.inMemory();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void startProxy() throws IOException {
    proxy = new FaultyProxy(server.port());
    store = MinioObjectStore.builder().endpoint(proxy.endpoint()).credentials(S3TestServer.ACCESS_KEY,
        server.secretKey()).retries(4, Duration.ofMillis(10)).partSize(MinioSettings.MIN_PART_SIZE).build();
    store.put(BUCKET, "warm-up", new byte[0], "text/plain");
  }

  @AfterEach
  void stopProxy() throws IOException {
    store.close();
    proxy.close();
  }

  @Test
  void a503IsRetriedUntilTheServerAnswers() {
    int before = proxy.requests().size();
    proxy.failNext(3, FaultyProxy.Fault.SERVICE_UNAVAILABLE);

    store.put(BUCKET, "retried.json", utf8("{\"ok\":true}"), "application/json");

    assertThat(proxy.requests().subList(before, proxy.requests().size())).as("requests of the put")
        .hasSize(4).allSatisfy(line -> assertThat(line).startsWith("PUT /test-results/retried.json"));
    assertThat(store.getBytes(BUCKET, "retried.json")).hasValue(utf8("{\"ok\":true}"));
  }

  @Test
  void aResetConnectionIsRetried() {
    store.put(BUCKET, "read-me.txt", utf8("hello"), "text/plain");
    int before = proxy.requests().size();
    proxy.failNext(2, FaultyProxy.Fault.RESET);

    assertThat(store.getBytes(BUCKET, "read-me.txt")).hasValue(utf8("hello"));
    assertThat(proxy.requests().size() - before).as("requests of the get").isEqualTo(3);
  }

  @Test
  void aRequestThatTimesOutIsRetried() {
    try (MinioObjectStore impatient = MinioObjectStore.builder().endpoint(proxy.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, server.secretKey()).retries(3, Duration.ofMillis(10))
        .timeouts(Duration.ofSeconds(5), Duration.ofMillis(500)).build()) {
      store.put(BUCKET, "slow.txt", utf8("eventually"), "text/plain");
      int before = proxy.requests().size();
      proxy.failNext(1, FaultyProxy.Fault.NO_ANSWER);

      assertThat(impatient.getBytes(BUCKET, "slow.txt")).hasValue(utf8("eventually"));
      assertThat(proxy.requests().size() - before).as("the silent request and its retry").isEqualTo(2);
    }
  }

  @Test
  void onlyTheFailedPartOfAMultipartUploadIsSentAgain() {
    byte[] data = random(3 * (int) MinioSettings.MIN_PART_SIZE / 2);
    int before = proxy.requests().size();
    // Armed once the first part has been read, so the request that meets the 503 is the second part's.
    InputStream stream = new FaultArmingStream(new ByteArrayInputStream(data), MinioSettings.MIN_PART_SIZE,
        () -> proxy.failNext(1, FaultyProxy.Fault.SERVICE_UNAVAILABLE));

    store.put(BUCKET, "multipart.bin", stream, -1, "application/octet-stream");

    List<String> upload = proxy.requests().subList(before, proxy.requests().size());
    assertThat(upload).as("requests of the upload").filteredOn(line -> line.contains("partNumber=1")).hasSize(1);
    assertThat(upload).as("requests of the upload").filteredOn(line -> line.contains("partNumber=2")).hasSize(2);
    assertThat(store.getBytes(BUCKET, "multipart.bin")).hasValue(data);
  }

  @Test
  void aDownloadCutOffMidwayResumesWhereItStopped() throws IOException {
    byte[] data = random(1024 * 1024);
    store.put(BUCKET, "long.bin", data, "application/octet-stream");
    int before = proxy.requests().size();
    proxy.failNext(1, FaultyProxy.Fault.CUT_RESPONSE);

    byte[] read;
    try (InputStream in = store.get(BUCKET, "long.bin").orElseThrow()) {
      read = in.readAllBytes();
    }

    assertThat(read).isEqualTo(data);
    assertThat(proxy.requests().subList(before, proxy.requests().size())).as("the first GET and the resuming one")
        .hasSize(2).allSatisfy(line -> assertThat(line).startsWith("GET /test-results/long.bin"));
  }

  @Test
  void aDownloadThatKeepsBreakingFailsAsABerthException() {
    store.put(BUCKET, "fragile.bin", random(512 * 1024), "application/octet-stream");
    proxy.failNext(1, FaultyProxy.Fault.CUT_RESPONSE);
    proxy.failNext(10, FaultyProxy.Fault.RESET);

    assertThatThrownBy(() -> store.getBytes(BUCKET, "fragile.bin")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageStartingWith("Reading test-results/fragile.bin failed after ")
        .hasMessageContaining("failed after 4 attempts").hasMessageContaining("Connection reset");
  }

  @Test
  void aServerThatStaysDownFailsAfterTheLastAttemptSayingSo() {
    int before = proxy.requests().size();
    proxy.failNext(10, FaultyProxy.Fault.SERVICE_UNAVAILABLE);

    assertThatThrownBy(() -> store.put(BUCKET, "never.json", utf8("{}"), "application/json"))
        .isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("Storing test-results/never.json at " + proxy.endpoint())
        .hasMessageContaining("after 4 attempts").hasMessageContaining("SlowDown");
    assertThat(proxy.requests().size() - before).isEqualTo(4);
  }

  @Test
  void aClientErrorIsNotRetried() {
    try (MinioObjectStore wrongSecret = MinioObjectStore.builder().endpoint(proxy.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, "wrong").retries(4, Duration.ofMillis(10)).build()) {
      int before = proxy.requests().size();

      assertThatThrownBy(() -> wrongSecret.getBytes(BUCKET, "warm-up")).isInstanceOf(RuntimeOperationException.class)
          .hasMessageContaining("access denied");
      assertThat(proxy.requests().size() - before).as("requests with a wrong secret").isEqualTo(1);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(int size) {
    byte[] data = new byte[size];
    new Random(7).nextBytes(data);
    return data;
  }

  /** Runs an action once the reader has taken {@code trigger} bytes, i.e. after the first part was read. */
  private static final class FaultArmingStream extends java.io.FilterInputStream {
    private final long trigger;
    private final Runnable action;
    private long read;
    private boolean fired;

    FaultArmingStream(InputStream in, long trigger, Runnable action) {
      super(in);
      this.trigger = trigger;
      this.action = action;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      read += Math.max(0, n);
      if (!fired && read > trigger) {
        fired = true;
        action.run();
      }
      return n;
    }
  }
}
