package dev.berth.runtime.minio;

import dev.berth.runtime.BerthException;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioAsyncClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object read as a stream straight from the HTTP response. When the connection breaks part way, the rest
 * is fetched with a range request pinned to the object's ETag, so the reader gets the object whole or an
 * {@link IOException}, never a mix of two versions.
 */
final class ObjectDownload extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectDownload.class);

  private final MinioAsyncClient client;
  private final Retrier retrier;
  private final RetryPolicy policy;
  private final S3Call call;
  private final String etag;
  private final byte[] single = new byte[1];
  private GetObjectResponse response;
  private long position;
  private int failuresWithoutProgress;
  private boolean closed;

  private ObjectDownload(MinioAsyncClient client, Retrier retrier, RetryPolicy policy, S3Call call,
      GetObjectResponse response) {
    this.client = client;
    this.retrier = retrier;
    this.policy = policy;
    this.call = call;
    this.response = response;
    String header = response.headers().get("ETag");
    this.etag = header == null ? null : header.replace("\"", "");
  }

  /** The object's stream, or empty when the bucket or key does not exist. */
  static Optional<InputStream> open(MinioAsyncClient client, Retrier retrier, RetryPolicy policy, S3Call call) {
    return retrier.find(call, () -> Async.await(client.getObject(GetObjectArgs.builder().bucket(call.bucket())
        .object(call.key()).build())))
        .map(response -> new ObjectDownload(client, retrier, policy, call, response));
  }

  @Override
  public int read() throws IOException {
    int n = read(single, 0, 1);
    return n < 0 ? -1 : single[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException(call.describe() + ": the stream is closed");
    }
    while (true) {
      try {
        int n = response.read(buffer, offset, length);
        if (n > 0) {
          position += n;
          failuresWithoutProgress = 0;
        }
        return n;
      } catch (IOException e) {
        resumeAfter(e);
      }
    }
  }

  private void resumeAfter(IOException failure) throws IOException {
    failuresWithoutProgress++;
    if (etag == null || failuresWithoutProgress >= policy.maxAttempts() || !S3Errors.isTransient(failure)) {
      throw new IOException(call.describe() + " failed after " + position + " bytes: " + failure, failure);
    }
    LOG.debug("{} broke after {} bytes ({}); fetching the rest", call.describe(), position, failure.toString());
    closeQuietly(response);
    try {
      Thread.sleep(policy.backoff(failuresWithoutProgress).toMillis());
      response = retrier.call(call, () -> Async.await(client.getObject(GetObjectArgs.builder()
          .bucket(call.bucket()).object(call.key()).offset(position).matchETag(etag).build())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(call.describe() + " was interrupted after " + position + " bytes", e);
    } catch (BerthException e) {
      String reason = S3Errors.status(e.getCause()) == 412 ? "the object was replaced while it was read; read it "
          + "again" : e.getMessage();
      IOException broken = new IOException(call.describe() + " failed after " + position + " bytes: " + reason, e);
      broken.addSuppressed(failure);
      throw broken;
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly(response);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // The connection is dropped either way.
    }
  }
}
