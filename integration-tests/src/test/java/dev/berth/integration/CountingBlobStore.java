package dev.berth.integration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** S3Proxy's storage, counting the object downloads it serves per bucket and key. */
final class CountingBlobStore extends ForwardingBlobStore {
  private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();

  CountingBlobStore(BlobStore delegate) {
    super(delegate);
  }

  @Override
  public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
    gets.computeIfAbsent(request.bucket() + "/" + request.key(), k -> new AtomicInteger()).incrementAndGet();
    return super.getBlob(request);
  }

  int gets(String bucket, String key) {
    AtomicInteger count = gets.get(bucket + "/" + key);
    return count == null ? 0 : count.get();
  }
}
