package dev.berth.runtime.minio;

import dev.berth.runtime.RuntimeOperationException;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a bucket exists before the first write to it, creating it when allowed. Checked lazily, once
 * per bucket and store, so that building a store needs no server and reads of a missing bucket just find
 * nothing.
 */
final class Buckets {
  private static final Logger LOG = LoggerFactory.getLogger(Buckets.class);
  private static final Set<String> ALREADY_THERE = Set.of("BucketAlreadyOwnedByYou", "BucketAlreadyExists");

  private final MinioAsyncClient client;
  private final Retrier retrier;
  private final URI endpoint;
  private final boolean create;
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  Buckets(MinioAsyncClient client, Retrier retrier, URI endpoint, boolean create) {
    this.client = client;
    this.retrier = retrier;
    this.endpoint = endpoint;
    this.create = create;
  }

  boolean exists(String bucket) {
    boolean exists = retrier.call(S3Call.of("Checking", bucket),
        () -> Async.await(client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())));
    if (exists) {
      present.add(bucket);
    }
    return exists;
  }

  boolean createsMissing() {
    return create;
  }

  /** Before a write: the bucket exists afterwards, or this throws saying how to fix it. */
  void ensure(String bucket) {
    if (present.contains(bucket)) {
      return;
    }
    // One check and creation per bucket at a time, so concurrent first writes create it once.
    synchronized (locks.computeIfAbsent(bucket, b -> new Object())) {
      if (present.contains(bucket) || exists(bucket)) {
        return;
      }
      if (!create) {
        throw new RuntimeOperationException("Bucket '" + bucket + "' does not exist at " + endpoint
            + "; create it, or set store.create-buckets=true");
      }
      boolean created = retrier.call(S3Call.of("Creating", bucket), () -> {
        try {
          Async.await(client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()));
          return true;
        } catch (ExecutionException e) {
          if (S3Errors.code(e).filter(ALREADY_THERE::contains).isPresent()) {
            return false;
          }
          throw e;
        }
      });
      if (created) {
        LOG.info("Created bucket '{}' at {}", bucket, endpoint);
      }
      present.add(bucket);
    }
  }

  /** After the server said the bucket is gone (deleted behind the store's back): check again next time. */
  void forget(String bucket) {
    present.remove(bucket);
  }
}
