package dev.berth.runtime;

import java.util.Objects;

/**
 * What the runtime does when a bot exits on its own.
 *
 * @param kind never, on failure (non-zero exit), or always
 * @param maxRetries for {@link Kind#ON_FAILURE}: restarts before giving up, 0 for unlimited
 */
public record RestartPolicy(Kind kind, int maxRetries) {
  public static final RestartPolicy NEVER = new RestartPolicy(Kind.NEVER, 0);
  public static final RestartPolicy ALWAYS = new RestartPolicy(Kind.ALWAYS, 0);

  /** Restart policy kinds, named like Docker's. */
  public enum Kind { NEVER, ON_FAILURE, ALWAYS }

  public RestartPolicy {
    Objects.requireNonNull(kind, "kind");
    new Violations("RestartPolicy")
        .check(maxRetries >= 0, "restartPolicy.maxRetries",
            maxRetries + " is negative; use 0 for unlimited or a positive count")
        .check(kind == Kind.ON_FAILURE || maxRetries == 0, "restartPolicy.maxRetries",
            "only applies to ON_FAILURE; use RestartPolicy.onFailure(" + maxRetries + ")")
        .throwIfAny();
  }

  /** Restart after a non-zero exit, at most {@code maxRetries} times (0 = unlimited). */
  public static RestartPolicy onFailure(int maxRetries) {
    return new RestartPolicy(Kind.ON_FAILURE, maxRetries);
  }

  /** Whether a bot that exited with {@code exitCode} after {@code restartsSoFar} restarts goes again. */
  public boolean shouldRestart(int exitCode, int restartsSoFar) {
    switch (kind) {
      case ALWAYS:
        return true;
      case ON_FAILURE:
        return exitCode != 0 && (maxRetries == 0 || restartsSoFar < maxRetries);
      default:
        return false;
    }
  }
}
