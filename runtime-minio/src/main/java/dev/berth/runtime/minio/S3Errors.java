package dev.berth.runtime.minio;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Sorts MinIO client failures into transient (worth a retry) and final, and turns them into Berth exceptions
 * that say which bucket and key, at which endpoint, and what to do.
 */
final class S3Errors {
  static final Set<String> ABSENT = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject");
  private static final Set<String> DENIED = Set.of("AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId",
      "InvalidToken", "ExpiredToken", "AllAccessDisabled");
  private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
      "RequestTimeout", "RequestTimeTooSkewed");
  private static final Pattern RESPONSE_CODE = Pattern.compile("Response code: (\\d{3})");

  private final URI endpoint;
  private final String accessKey;

  S3Errors(URI endpoint, String accessKey) {
    this.endpoint = endpoint;
    this.accessKey = accessKey;
  }

  /** The failure itself, without the CompletionException/ExecutionException/MinioException wrappers. */
  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    for (int depth = 0; depth < 10 && current != null && current.getCause() != null; depth++) {
      boolean wrapper = current instanceof CompletionException || current instanceof ExecutionException
          || current.getClass() == MinioException.class;
      if (!wrapper) {
        break;
      }
      current = current.getCause();
    }
    return current;
  }

  /** The S3 error code ({@code NoSuchKey}, {@code AccessDenied}), when the server sent one. */
  static Optional<String> code(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ErrorResponseException) {
      return Optional.ofNullable(((ErrorResponseException) cause).errorResponse().code());
    }
    return Optional.empty();
  }

  /** The HTTP status of a failed response, or -1 when no response arrived. */
  static int status(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ErrorResponseException && ((ErrorResponseException) cause).response() != null) {
      return ((ErrorResponseException) cause).response().code();
    }
    if (cause instanceof ServerException) {
      return ((ServerException) cause).statusCode();
    }
    if (cause instanceof InvalidResponseException && cause.getMessage() != null) {
      Matcher matcher = RESPONSE_CODE.matcher(cause.getMessage());
      return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }
    return -1;
  }

  /**
   * Worth another attempt: the connection was refused, reset or timed out, or the server answered 5xx, 408
   * (request timeout) or 429 (slow down). Other 4xx answers and configuration errors are final.
   */
  static boolean isTransient(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof BerthException) {
      return false;
    }
    if (cause instanceof IOException) {
      return !(cause instanceof UnknownHostException || cause instanceof SSLException);
    }
    int status = status(cause);
    if (status >= 500 || status == 408 || status == 429) {
      return true;
    }
    return code(cause).map(TRANSIENT_CODES::contains).orElse(false);
  }

  /** The failure of {@code call} as a Berth exception; Berth exceptions pass through unchanged. */
  BerthException toBerth(Throwable failure, S3Call call, int attempts) {
    Throwable cause = unwrap(failure);
    if (cause instanceof BerthException) {
      return (BerthException) cause;
    }
    String tried = attempts > 1 ? " after " + attempts + " attempts" : "";
    if (isUnreachable(cause)) {
      return new RuntimeUnavailableException(call.describe() + " failed: the S3 store is not reachable at "
          + endpoint + " (" + describe(cause) + ")" + tried + ". Start the server or fix "
          + "MINIO_ENDPOINT/store.endpoint.", cause);
    }
    Optional<String> code = code(cause);
    if (code.isPresent() && DENIED.contains(code.get())) {
      String check = code.get().equals("InvalidAccessKeyId") ? "check MINIO_ACCESS_KEY/store.access-key"
          : code.get().equals("AccessDenied") ? "check MINIO_SECRET_KEY/store.secret-key and that the key may "
              + "use bucket '" + call.bucket() + "'"
          : "check MINIO_SECRET_KEY/store.secret-key";
      return new RuntimeOperationException(call.describe() + " failed: access denied for access key '"
          + accessKey + "' at " + endpoint + ": " + check + " (S3 error " + code.get() + ")", cause);
    }
    if (code.isPresent() && code.get().equals("NoSuchBucket")) {
      return new RuntimeOperationException(call.describe() + " failed: bucket '" + call.bucket()
          + "' does not exist at " + endpoint + "; create it, or set store.create-buckets=true", cause);
    }
    int status = status(cause);
    String detail = code.map(c -> "S3 error " + c + ": " + ((ErrorResponseException) cause).errorResponse().message())
        .orElse(status > 0 ? "HTTP " + status : describe(cause));
    return new RuntimeOperationException(call.describe() + " at " + endpoint + " failed" + tried + ": "
        + detail, cause);
  }

  private static boolean isUnreachable(Throwable cause) {
    if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
        || cause instanceof UnknownHostException) {
      return true;
    }
    // OkHttp reports a connect timeout as a SocketTimeoutException saying so.
    return cause instanceof InterruptedIOException && String.valueOf(cause.getMessage())
        .toLowerCase(Locale.ROOT).contains("connect");
  }

  private static String describe(Throwable cause) {
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host " + cause.getMessage();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
