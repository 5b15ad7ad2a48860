package dev.berth.runtime.minio;

/**
 * One request to the store, for error messages and logs: {@code Storing test-results/bt-1/result.json}.
 *
 * @param action what was being done, capitalised: {@code Reading}, {@code Storing}, {@code Listing}
 * @param bucket the physical bucket
 * @param key the key or prefix, empty for a bucket-wide call
 */
record S3Call(String action, String bucket, String key) {
  static S3Call of(String action, String bucket) {
    return new S3Call(action, bucket, "");
  }

  String describe() {
    return action + " " + (key.isEmpty() ? "bucket '" + bucket + "'" : bucket + "/" + key);
  }
}
