package dev.berth.runtime.minio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MiB object goes through the store in a JVM whose heap is smaller than the object (the pom runs the
 * {@code small-heap} tests alone with {@code -Xmx96m}), so neither put nor get can hold it whole. Also prints
 * the throughput of the store against plain MinIO client calls on the same server; printed, not asserted.
 */
@Tag("small-heap")
class LargeObjectStreamingTest {
  private static final long SIZE = 100L * 1024 * 1024;
  private static final long WARM_UP_SIZE = 16L * 1024 * 1024;

  @TempDir Path blobs;

  @Test
  void a100MiBObjectStreamsThroughAHeapSmallerThanIt() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).as("max heap of this test JVM (-Xmx in the pom)")
        .isLessThan(SIZE);
    try (S3TestServer server = S3TestServer.onDisk(blobs);
        MinioObjectStore store = server.store().build();
        RawClient rawClient = new RawClient(server)) {
      MinioClient raw = rawClient.client;
      raw.makeBucket(io.minio.MakeBucketArgs.builder().bucket("raw").build());
      String expected = digest(new GeneratedStream(SIZE, 42));
      warmUp(store, raw);

      // Two rounds in opposite orders, so that neither side always runs on a colder JIT or a fuller heap.
      double[] storePut = new double[2];
      double[] rawPut = new double[2];
      double[] storeGet = new double[2];
      double[] rawGet = new double[2];
      String[] storeDigest = new String[1];
      String[] rawDigest = new String[1];
      for (int round = 0; round < 2; round++) {
        Step putThroughStore = () -> store.put(ObjectStore.RESULTS_BUCKET, "large.bin", new GeneratedStream(SIZE, 42),
            SIZE, "application/octet-stream");
        Step putRaw = () -> raw.putObject(PutObjectArgs.builder().bucket("raw").object("large.bin")
            .stream(new GeneratedStream(SIZE, 42), SIZE, -1L).build());
        Step getThroughStore = () -> {
          try (InputStream in = store.get(ObjectStore.RESULTS_BUCKET, "large.bin").orElseThrow()) {
            storeDigest[0] = digest(in);
          }
        };
        Step getRaw = () -> {
          try (InputStream in = raw.getObject(GetObjectArgs.builder().bucket("raw").object("large.bin").build())) {
            rawDigest[0] = digest(in);
          }
        };
        boolean storeFirst = round == 0;
        storePut[round] = storeFirst ? mibPerSecond(SIZE, putThroughStore) : 0;
        rawPut[round] = mibPerSecond(SIZE, putRaw);
        storePut[round] = storeFirst ? storePut[round] : mibPerSecond(SIZE, putThroughStore);
        storeGet[round] = storeFirst ? mibPerSecond(SIZE, getThroughStore) : 0;
        rawGet[round] = mibPerSecond(SIZE, getRaw);
        storeGet[round] = storeFirst ? storeGet[round] : mibPerSecond(SIZE, getThroughStore);
      }
      double unknownLengthPut = mibPerSecond(SIZE, () -> store.put(ObjectStore.RESULTS_BUCKET, "unknown.bin",
          new GeneratedStream(SIZE, 42), -1, "application/octet-stream"));

      assertThat(storeDigest[0]).as("SHA-256 of the object read back through the store").isEqualTo(expected);
      assertThat(rawDigest[0]).as("SHA-256 read back by the plain client").isEqualTo(expected);
      assertThat(store.list(ObjectStore.RESULTS_BUCKET, "")).extracting(ObjectInfo::key, ObjectInfo::size)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("large.bin", SIZE),
              org.assertj.core.groups.Tuple.tuple("unknown.bin", SIZE));
      try (InputStream in = store.get(ObjectStore.RESULTS_BUCKET, "unknown.bin").orElseThrow()) {
        assertThat(digest(in)).as("SHA-256 of the object stored with unknown length").isEqualTo(expected);
      }
      System.out.printf(Locale.ROOT, "100 MiB through S3Proxy on loopback (max heap %d MiB), MiB/s in two rounds:%n"
          + "  put  MinioObjectStore %5.1f / %5.1f (unknown length %5.1f)   raw MinioClient %5.1f / %5.1f%n"
          + "  get  MinioObjectStore %5.1f / %5.1f                          raw MinioClient %5.1f / %5.1f%n",
          Runtime.getRuntime().maxMemory() >> 20, storePut[0], storePut[1], unknownLengthPut, rawPut[0], rawPut[1],
          storeGet[0], storeGet[1], rawGet[0], rawGet[1]);
    }
  }

  private static void warmUp(MinioObjectStore store, MinioClient raw) throws Exception {
    store.put(ObjectStore.RESULTS_BUCKET, "warm.bin", new GeneratedStream(WARM_UP_SIZE, 1), WARM_UP_SIZE,
        "application/octet-stream");
    raw.putObject(PutObjectArgs.builder().bucket("raw").object("warm.bin")
        .stream(new GeneratedStream(WARM_UP_SIZE, 1), WARM_UP_SIZE, -1L).build());
    try (InputStream in = store.get(ObjectStore.RESULTS_BUCKET, "warm.bin").orElseThrow()) {
      digest(in);
    }
    try (InputStream in = raw.getObject(GetObjectArgs.builder().bucket("raw").object("warm.bin").build())) {
      digest(in);
    }
    store.delete(ObjectStore.RESULTS_BUCKET, "warm.bin");
  }

  /** The plain MinIO client, closed without its {@code throws Exception}. */
  private static final class RawClient implements AutoCloseable {
    final MinioClient client;

    RawClient(S3TestServer server) {
      client = MinioClient.builder().endpoint(server.endpoint())
          .credentials(S3TestServer.ACCESS_KEY, server.secretKey()).region("us-east-1").build();
    }

    @Override
    public void close() {
      try {
        client.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A step that may throw anything. */
  private interface Step {
    void run() throws Exception;
  }

  private static double mibPerSecond(long bytes, Step step) throws Exception {
    long start = System.nanoTime();
    step.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    return bytes / 1048576.0 / seconds;
  }

  static String digest(InputStream in) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[64 * 1024];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      sha.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** {@code size} pseudo-random bytes from a seed, made as they are read: no memory, same bytes every time. */
  static final class GeneratedStream extends InputStream {
    private final long size;
    private long position;
    private long state;

    GeneratedStream(long size, long seed) {
      this.size = size;
      this.state = seed * 0x9E3779B97F4A7C15L + 1;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(length, size - position);
      for (int i = 0; i < n; i++) {
        if (((position + i) & 7) == 0) {
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
        }
        buffer[offset + i] = (byte) (state >>> (((position + i) & 7) * 8));
      }
      position += n;
      return n;
    }
  }
}
