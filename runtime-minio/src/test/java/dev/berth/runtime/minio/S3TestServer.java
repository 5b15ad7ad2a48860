package dev.berth.runtime.minio;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/** An S3 server in this JVM (S3Proxy) on a free loopback port, checking V4 signatures. */
final class S3TestServer implements AutoCloseable {
  static final String ACCESS_KEY = "berth-test";

  private final BlobStore blobStore;
  private final String secretKey = "secret-" + UUID.randomUUID();
  private S3Proxy proxy;
  private int port;

  private S3TestServer(BlobStore blobStore) throws Exception {
    this.blobStore = blobStore;
    proxy = started(0);
    port = proxy.getPort();
  }

  private S3Proxy started(int onPort) throws Exception {
    S3Proxy started = S3Proxy.builder().blobStore(blobStore).endpoint(URI.create("http://127.0.0.1:" + onPort))
        .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, secretKey).build();
    started.start();
    Awaitility.await("S3Proxy started").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
        .until(() -> "STARTED".equals(started.getState()));
    return started;
  }

  /** Stops answering: connections to the port are refused until {@link #restart()}. */
  void stop() throws Exception {
    proxy.stop();
  }

  /** Answers again on the same port, with the objects it held. */
  void restart() throws Exception {
    proxy = started(port);
  }

  /** A server keeping objects in memory. */
  static S3TestServer inMemory() throws Exception {
    return new S3TestServer(new TransientNio2BlobStore());
  }

  /** A server keeping objects in files under {@code directory}, out of the heap. */
  static S3TestServer onDisk(Path directory) throws Exception {
    return new S3TestServer(new FilesystemNio2BlobStore(directory.toString()));
  }

  int port() {
    return port;
  }

  String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  String secretKey() {
    return secretKey;
  }

  /** A builder for a store on this server with the right credentials. */
  MinioObjectStoreBuilder store() {
    return MinioObjectStore.builder().endpoint(endpoint()).credentials(ACCESS_KEY, secretKey)
        .retries(3, Duration.ofMillis(20));
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Stopping S3Proxy failed", e);
    }
  }
}
