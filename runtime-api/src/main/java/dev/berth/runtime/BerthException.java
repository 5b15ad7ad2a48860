package dev.berth.runtime;

/**
 * Root of every exception Berth throws. Unchecked, like the exceptions of JDBC wrappers users already
 * know: callers catch the subclass they can act on and let the rest propagate.
 *
 * <p>Backend exceptions (docker-java, the Kubernetes client, MinIO) never escape: they are wrapped in a
 * {@link RuntimeOperationException} that keeps their message.
 */
public abstract class BerthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected BerthException(String message) {
    super(message);
  }

  protected BerthException(String message, Throwable cause) {
    super(message, cause);
  }
}
