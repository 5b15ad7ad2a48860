package dev.berth.runtime.minio;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waits for the MinIO client's futures on the caller's thread. */
final class Async {
  private Async() {}

  /**
   * The future's value.
   *
   * @throws ExecutionException wrapping the client's failure (see {@link S3Errors#unwrap})
   * @throws InterruptedException when the caller is interrupted; the request is cancelled
   */
  static <T> T await(CompletableFuture<T> future) throws ExecutionException, InterruptedException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    }
  }
}
