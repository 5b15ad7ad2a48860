package dev.berth.runtime.docker;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BerthException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.WorkloadKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Turns docker-java and transport exceptions into Berth's: no docker-java type escapes the module. An
 * engine that cannot be reached becomes {@link RuntimeUnavailableException} with the fix in its message.
 */
final class DockerErrors {
  private final DockerEndpoint endpoint;
  private final String scope;

  DockerErrors(DockerEndpoint endpoint, String scope) {
    this.endpoint = endpoint;
    this.scope = scope;
  }

  /**
   * The Berth exception for a failed call about a bot.
   *
   * @param what what was being done, e.g. {@code "starting bot 'b1'"}
   * @param botId the bot concerned, for not-found errors; null when none
   */
  BerthException translate(RuntimeException e, String what, String botId) {
    return translate(e, what, WorkloadKind.BOT, botId);
  }

  /**
   * The Berth exception for a failed call about a workload of {@code kind}.
   *
   * @param id the workload concerned, for not-found errors; null when none
   */
  BerthException translate(RuntimeException e, String what, WorkloadKind kind, String id) {
    if (e instanceof BerthException) {
      return (BerthException) e;
    }
    if (isConnectionFailure(e)) {
      return unreachable(e);
    }
    if (isGone(e) && id != null) {
      String message = (kind == WorkloadKind.BOT ? "Bot '" : "Backtest '") + id + "' disappeared while " + what
          + " (its container was removed outside Berth). " + (kind == WorkloadKind.BOT ? "Create" : "Submit")
          + " it again.";
      return kind == WorkloadKind.BOT ? new BotNotFoundException(id, scope, message)
          : new BacktestNotFoundException(id, scope, message);
    }
    return new RuntimeOperationException("Docker failed " + what + ": " + message(e), e);
  }

  /** The error for an engine that does not answer. */
  RuntimeUnavailableException unreachable(RuntimeException e) {
    return new RuntimeUnavailableException("Docker is not reachable at " + endpoint.host() + " ("
        + reason(e) + "). Start dockerd or set DOCKER_HOST" + (endpoint.source().equals("default")
        ? "" : " (the address came from " + endpoint.source() + ")") + ".", e);
  }

  static boolean isNotFound(RuntimeException e) {
    return e instanceof NotFoundException;
  }

  /**
   * True when the container is gone or on its way out: Docker answers 409 "can not get logs from container
   * which is dead or marked for removal" to a log read of a container being removed.
   */
  static boolean isGone(RuntimeException e) {
    return isNotFound(e) || (isConflict(e) && message(e).contains("dead or marked for removal"));
  }

  static boolean isConflict(RuntimeException e) {
    return e instanceof ConflictException;
  }

  /**
   * True when a removal failed because the container is gone or is being removed by another call (Docker
   * answers 409 "removal of container … is already in progress"): either way the outcome the caller wanted.
   */
  static boolean isGoneOrBeingRemoved(RuntimeException e) {
    return isNotFound(e) || (isConflict(e) && message(e).contains("already in progress"));
  }

  static boolean isConnectionFailure(Throwable e) {
    if (e instanceof DockerException) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof NoSuchFileException) {
        return "connection refused: no socket at that path";
      }
      if (t instanceof SocketTimeoutException) {
        return "timed out";
      }
      String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (text.contains("no such file") || text.contains("connection refused")) {
        return text.contains("no such file") ? "connection refused: no socket at that path" : "connection refused";
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** The engine's own message without docker-java's "Status 404: {...}" wrapping. */
  static String message(RuntimeException e) {
    String text = String.valueOf(e.getMessage());
    int start = text.indexOf("{\"message\":\"");
    if (start >= 0) {
      int end = text.lastIndexOf("\"}");
      if (end > start) {
        return text.substring(start + 12, end).replace("\\\"", "\"");
      }
    }
    return text.trim();
  }
}
