package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeOperationException;
import java.util.List;
import java.util.regex.Pattern;

/** The engine's answers to bad ids, unknown and taken ids, and calls on a closed runner. */
final class EngineErrors {
  private static final Pattern ID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private EngineErrors() {}

  /** Rejects an id that no backtest can have (and that must never reach a path or a label filter). */
  static void requireId(String id) {
    if (id == null || id.length() > 63 || !ID.matcher(id).matches()) {
      throw new InvalidSpecException("backtestId", List.of("backtestId: '" + id + "' is not a DNS-1123 label; "
          + "ids are lower-case letters, digits and '-' (at most 63 characters)"));
    }
  }

  static RuntimeException notFound(String scope, String id) {
    return new BotNotFoundException(id, "No backtest with id '" + id + "' exists in scope '" + scope
        + "'. Check the id, or submit it first.");
  }

  static RuntimeException alreadyExists(String id) {
    return new BotAlreadyExistsException(id);
  }

  static RuntimeException closed(String type, String scope) {
    return new RuntimeOperationException("This " + type + " backtest runner (scope '" + scope
        + "') is closed; create a new one.");
  }
}
