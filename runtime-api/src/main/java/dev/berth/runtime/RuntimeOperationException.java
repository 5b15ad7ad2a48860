package dev.berth.runtime;

/**
 * The backend failed an operation for a reason Berth has no more specific type for. Keeps the backend's
 * message; the cause is kept for its stack trace only (its type is never part of Berth's API).
 */
public class RuntimeOperationException extends BerthException {
  private static final long serialVersionUID = 1L;

  public RuntimeOperationException(String message) {
    super(message);
  }

  public RuntimeOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
