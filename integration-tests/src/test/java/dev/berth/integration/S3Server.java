package dev.berth.integration;

import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.minio.MinioObjectStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3 server in this JVM (S3Proxy, V4 signatures) on a loopback port that stays the same across
 * {@link #stop()} and {@link #start()}, with its objects: a store that goes down and comes back. Counts the
 * object GETs it serves.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "berth-it";

  private final String secretKey = "secret-" + UUID.randomUUID();
  private final CountingBlobStore blobs = new CountingBlobStore(new TransientNio2BlobStore());
  private final int port;
  private S3Proxy proxy;

  private S3Server(int port) {
    this.port = port;
  }

  /** A running server. */
  static S3Server started() throws Exception {
    S3Server server = new S3Server(freePort());
    server.start();
    return server;
  }

  /** A server that is not running yet: its endpoint refuses connections until {@link #start()}. */
  static S3Server notStarted() throws IOException {
    return new S3Server(freePort());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  void start() throws Exception {
    proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create(endpoint()))
        .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, secretKey).build();
    proxy.start();
    Awaitility.await("S3Proxy started").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
        .until(() -> "STARTED".equals(proxy.getState()));
  }

  void stop() {
    if (proxy != null) {
      try {
        proxy.stop();
      } catch (Exception e) {
        throw new IllegalStateException("Stopping S3Proxy failed", e);
      }
      proxy = null;
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** GETs of {@code bucket/key} served so far. */
  int gets(String bucket, String key) {
    return blobs.gets(bucket, key);
  }

  /** A client store on this server, with few and short retries. */
  MinioObjectStore store() {
    return MinioObjectStore.builder().endpoint(endpoint()).credentials(ACCESS_KEY, secretKey)
        .retries(2, Duration.ofMillis(20)).build();
  }

  /** The {@code store.*} keys that select this server, as a deployment would set them. */
  RuntimeConfig config(Map<String, String> more) {
    RuntimeConfig config = RuntimeConfig.of(Map.of("store.type", "minio", "store.endpoint", endpoint(),
        "store.access-key", ACCESS_KEY, "store.secret-key", secretKey));
    for (Map.Entry<String, String> entry : more.entrySet()) {
      config = config.with(entry.getKey(), entry.getValue());
    }
    return config;
  }

  @Override
  public void close() {
    stop();
  }
}
