package dev.berth.benchmarks;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.minio.MinioObjectStore;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * 100 MB put and get through {@link MinioObjectStore} against the same calls made with the MinIO client
 * directly (the baseline), interleaved, both against S3Proxy in this JVM on loopback (in-memory blobs), with
 * the same part size. Data is generated as it is sent and discarded as it is read: neither side buffers it.
 */
final class ObjectStoreThroughputBenchmark {
  private static final long SIZE = 100L * 1000 * 1000;
  private static final long PART_SIZE = 8L * 1024 * 1024;
  private static final int RUNS = 5;
  private static final int WARM_UP = 1;
  private static final String BUCKET = "bench";

  private ObjectStoreThroughputBenchmark() {}

  static void run() throws Exception {
    String access = "bench";
    String secret = "secret-" + UUID.randomUUID();
    S3Proxy proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0")).awsAuthentication(AuthenticationType.AWS_V4, access, secret)
        .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.onSpinWait();
    }
    String endpoint = "http://127.0.0.1:" + proxy.getPort();
    Samples rawPut = new Samples("MinIO client putObject", RUNS);
    Samples berthPut = new Samples("MinioObjectStore.put", RUNS);
    Samples rawGet = new Samples("MinIO client getObject", RUNS);
    Samples berthGet = new Samples("MinioObjectStore.get", RUNS);
    MinioClient raw = MinioClient.builder().endpoint(endpoint).credentials(access, secret).build();
    try (MinioObjectStore store = MinioObjectStore.builder().endpoint(endpoint).credentials(access, secret)
        .partSize(PART_SIZE).build()) {
      if (!raw.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
        raw.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
      }
      for (int i = -WARM_UP; i < RUNS; i++) {
        long t0 = System.nanoTime();
        raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object("raw").stream(new Generated(SIZE), SIZE,
            PART_SIZE).contentType("application/octet-stream").build());
        long t1 = System.nanoTime();
        store.put(BUCKET, "berth", new Generated(SIZE), SIZE, "application/octet-stream");
        long t2 = System.nanoTime();
        long rawRead;
        try (InputStream in = raw.getObject(GetObjectArgs.builder().bucket(BUCKET).object("raw").build())) {
          rawRead = in.transferTo(OutputStreamSink.INSTANCE);
        }
        long t3 = System.nanoTime();
        long berthRead;
        try (InputStream in = store.get(BUCKET, "berth").orElseThrow()) {
          berthRead = in.transferTo(OutputStreamSink.INSTANCE);
        }
        long t4 = System.nanoTime();
        if (rawRead != SIZE || berthRead != SIZE) {
          throw new IllegalStateException("Read " + rawRead + " and " + berthRead + " bytes, not " + SIZE);
        }
        if (i >= 0) {
          rawPut.add(t1 - t0);
          berthPut.add(t2 - t1);
          rawGet.add(t3 - t2);
          berthGet.add(t4 - t3);
        }
      }
    } finally {
      raw.close();
      proxy.stop();
    }
    System.out.printf(Locale.ROOT, "Object store: one %d MB object, S3Proxy on loopback, %d MiB parts (%d runs, "
        + "interleaved)%n", SIZE / 1_000_000, PART_SIZE >> 20, RUNS);
    for (Samples[] pair : new Samples[][] {{rawPut, berthPut}, {rawGet, berthGet}}) {
      for (Samples samples : pair) {
        System.out.println(samples.percentiles(pair[0]) + String.format(Locale.ROOT, "  %6.1f MB/s at the median",
            SIZE / 1e6 / (samples.medianMillis() / 1e3)));
      }
    }
  }

  /** {@code length} bytes of a repeating pattern, made as they are read. */
  private static final class Generated extends InputStream {
    private long left;

    Generated(long length) {
      this.left = length;
    }

    @Override
    public int read() {
      return left-- > 0 ? (int) (left & 0xff) : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(length, left);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) (left - i);
      }
      left -= n;
      return n;
    }
  }

  /** Discards what is written. */
  private static final class OutputStreamSink extends OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
