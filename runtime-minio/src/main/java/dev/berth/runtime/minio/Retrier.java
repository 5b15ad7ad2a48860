package dev.berth.runtime.minio;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one S3 request, again after a pause when it fails transiently, and maps the final failure. */
final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** One request; may throw anything the MinIO client throws. */
  interface Request<T> {
    T run() throws Exception;
  }

  private final RetryPolicy policy;
  private final S3Errors errors;

  Retrier(RetryPolicy policy, S3Errors errors) {
    this.policy = policy;
    this.errors = errors;
  }

  S3Errors errors() {
    return errors;
  }

  /** The request's answer; a missing bucket or key is an error. */
  <T> T call(S3Call call, Request<T> request) {
    return attempt(call, false, request).orElseThrow();
  }

  /** The request's answer, or empty when the server says the bucket or key does not exist. */
  <T> Optional<T> find(S3Call call, Request<T> request) {
    return attempt(call, true, request);
  }

  /** As {@link #call} for requests whose answer does not matter. */
  void run(S3Call call, Request<?> request) {
    attempt(call, false, () -> {
      request.run();
      return Boolean.TRUE;
    });
  }

  private <T> Optional<T> attempt(S3Call call, boolean absentIsEmpty, Request<T> request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return Optional.of(request.run());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(call);
      } catch (Exception e) {
        if (absentIsEmpty && S3Errors.code(e).filter(S3Errors.ABSENT::contains).isPresent()) {
          return Optional.empty();
        }
        if (attempt >= policy.maxAttempts() || !S3Errors.isTransient(e)) {
          throw errors.toBerth(e, call, attempt);
        }
        Duration pause = policy.backoff(attempt);
        LOG.debug("{} failed transiently (attempt {} of {}), retrying in {} ms: {}", call.describe(), attempt,
            policy.maxAttempts(), pause.toMillis(), S3Errors.unwrap(e).toString());
        pause(call, pause);
      }
    }
  }

  private static void pause(S3Call call, Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(call);
    }
  }

  static BerthException interrupted(S3Call call) {
    return new RuntimeOperationException(call.describe() + " was interrupted; the thread's interrupt flag is set");
  }
}
