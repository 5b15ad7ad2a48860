package dev.berth.runtime;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A progress report of a long operation (image pull, upload, extraction).
 *
 * @param operation what is going on, e.g. {@code pull}
 * @param subject what it is done to, e.g. the image name
 * @param completed units done so far
 * @param total units in all, or -1 when unknown
 * @param message the backend's status text, e.g. {@code Downloading}
 */
public record Progress(String operation, String subject, long completed, long total, String message) {
  public Progress {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  /** Completed as a fraction of total, when the total is known. */
  public OptionalDouble fraction() {
    return total > 0 ? OptionalDouble.of(Math.min(1.0, (double) completed / total)) : OptionalDouble.empty();
  }
}
