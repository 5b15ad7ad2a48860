package dev.berth.runtime.minio;

import dev.berth.runtime.RuntimeOperationException;
import io.minio.AbortMultipartUploadArgs;
import io.minio.Checksum;
import io.minio.CompleteMultipartUploadArgs;
import io.minio.CreateMultipartUploadArgs;
import io.minio.Http;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectAPIArgs;
import io.minio.UploadPartArgs;
import io.minio.UploadPartResponse;
import io.minio.messages.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a stream without holding more than one part of it in memory: an object that fits in one part goes
 * up in one PUT, a larger one (or a stream of unknown length that turns out larger) as a multipart upload.
 * Every request sends bytes Berth holds, so each one can be retried on its own; a failed multipart upload is
 * aborted, leaving the previous object (or none) in place.
 */
final class ObjectUploader {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectUploader.class);
  private static final int MAX_PARTS = 10_000;

  private final MinioAsyncClient client;
  private final Retrier retrier;
  private final long partSize;
  private final boolean https;

  ObjectUploader(MinioAsyncClient client, Retrier retrier, long partSize, boolean https) {
    this.client = client;
    this.retrier = retrier;
    this.partSize = partSize;
    this.https = https;
  }

  void put(String bucket, String key, InputStream data, long length, String contentType,
      Map<String, String> metadata) {
    S3Call call = new S3Call("Storing", bucket, key);
    PartBuffer buffer = new PartBuffer((int) partSize, length);
    fill(buffer, data, call, 0);
    if (buffer.endOfStream()) {
      checkLength(call, buffer.size(), length);
      retrier.run(call, () -> Async.await(client.putObject(PutObjectAPIArgs.builder().bucket(bucket).object(key)
          .data(buffer.bytes(), buffer.size()).contentType(contentType).headers(metadataHeaders(metadata))
          .build())));
      return;
    }
    Http.Headers headers = metadataHeaders(metadata);
    headers.put("Content-Type", contentType);
    headers.put("x-amz-checksum-algorithm", Checksum.Algorithm.CRC32C.toString());
    String uploadId = retrier.call(call, () -> Async.await(client.createMultipartUpload(
        CreateMultipartUploadArgs.builder().bucket(bucket).object(key).headers(headers).build()))
        .result().uploadId());
    try {
      long total = uploadParts(call, uploadId, buffer, data);
      checkLength(call, total, length);
      List<Part> parts = buffer.parts();
      retrier.run(call, () -> Async.await(client.completeMultipartUpload(CompleteMultipartUploadArgs.builder()
          .bucket(bucket).object(key).uploadId(uploadId).parts(parts.toArray(Part[]::new)).maxRetries(1)
          .build())));
    } catch (RuntimeException e) {
      abort(call, uploadId, e);
      throw e;
    }
  }

  private long uploadParts(S3Call call, String uploadId, PartBuffer buffer, InputStream data) {
    long total = 0;
    for (int number = 1; buffer.size() > 0; number++) {
      if (number > MAX_PARTS) {
        throw new RuntimeOperationException(call.describe() + " failed: the object is larger than "
            + MAX_PARTS + " parts of " + partSize + " bytes; build the store with a larger partSize");
      }
      uploadPart(call, uploadId, number, buffer);
      total += buffer.size();
      buffer.clear();
      if (!buffer.endOfStream()) {
        fill(buffer, data, call, total);
      }
    }
    return total;
  }

  private void uploadPart(S3Call call, String uploadId, int number, PartBuffer buffer) {
    Http.Headers checksums;
    try {
      Map<Checksum.Algorithm, Checksum.Hasher> hashers = Checksum.newHasherMap(https
          ? new Checksum.Algorithm[] {Checksum.Algorithm.CRC32C}
          : new Checksum.Algorithm[] {Checksum.Algorithm.CRC32C, Checksum.Algorithm.SHA256});
      Checksum.update(hashers, buffer.bytes(), buffer.size());
      // Over plain HTTP the payload's SHA-256 is signed too, as the MinIO client itself does.
      checksums = Checksum.makeHeaders(hashers, !https, false);
    } catch (Exception e) {
      throw retrier.errors().toBerth(e, call, 1);
    }
    UploadPartResponse response = retrier.call(call, () -> Async.await(client.uploadPart(UploadPartArgs.builder()
        .bucket(call.bucket()).object(call.key()).uploadId(uploadId).partNumber(number)
        .data(buffer.bytes(), buffer.size()).headers(checksums).build())));
    String crc32c = checksums.getFirst(Checksum.Algorithm.CRC32C.header());
    buffer.addPart(new Part(number, response.part().etag(), null, crc32c, null, null, null));
  }

  private void abort(S3Call call, String uploadId, RuntimeException failure) {
    try {
      Async.await(client.abortMultipartUpload(AbortMultipartUploadArgs.builder().bucket(call.bucket())
          .object(call.key()).uploadId(uploadId).build()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.addSuppressed(e);
    } catch (Exception e) {
      // The server drops abandoned uploads by its lifecycle rules; the original failure matters more.
      LOG.warn("{}: aborting multipart upload {} failed too: {}", call.describe(), uploadId,
          S3Errors.unwrap(e).toString());
      failure.addSuppressed(S3Errors.unwrap(e));
    }
  }

  private static void fill(PartBuffer buffer, InputStream data, S3Call call, long alreadyRead) {
    try {
      buffer.fill(data);
    } catch (IOException e) {
      throw new RuntimeOperationException(call.describe() + " failed: reading the data to store failed after "
          + (alreadyRead + buffer.size()) + " bytes (" + e + ")", e);
    }
  }

  private static void checkLength(S3Call call, long actual, long announced) {
    if (announced >= 0 && actual != announced) {
      throw new RuntimeOperationException(call.describe() + " failed: the stream had " + actual
          + " bytes, but the caller announced " + announced + "; pass the right length or -1");
    }
  }

  private static Http.Headers metadataHeaders(Map<String, String> metadata) {
    Http.Headers headers = new Http.Headers();
    metadata.forEach((name, value) -> headers.put("x-amz-meta-" + name, value));
    return headers;
  }

  /** Up to one part of the caller's stream, growing only as the data arrives. */
  static final class PartBuffer {
    private final int capacity;
    private final List<Part> parts = new ArrayList<>();
    private byte[] bytes;
    private int size;
    private boolean endOfStream;

    PartBuffer(int capacity, long expectedLength) {
      this.capacity = capacity;
      long initial = expectedLength >= 0 ? Math.min(expectedLength + 1, capacity) : Math.min(64 * 1024, capacity);
      this.bytes = new byte[(int) Math.max(1, initial)];
    }

    /** Reads until the part is full or the stream ends. */
    void fill(InputStream in) throws IOException {
      while (size < capacity) {
        if (size == bytes.length) {
          bytes = java.util.Arrays.copyOf(bytes, (int) Math.min((long) bytes.length * 2, capacity));
        }
        int read = in.read(bytes, size, bytes.length - size);
        if (read < 0) {
          endOfStream = true;
          return;
        }
        size += read;
      }
    }

    byte[] bytes() {
      return bytes;
    }

    int size() {
      return size;
    }

    boolean endOfStream() {
      return endOfStream;
    }

    void clear() {
      size = 0;
    }

    void addPart(Part part) {
      parts.add(part);
    }

    List<Part> parts() {
      return List.copyOf(parts);
    }
  }
}
