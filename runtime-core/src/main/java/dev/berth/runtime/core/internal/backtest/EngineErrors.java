package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.WorkloadKind;

/** The engine's answers to bad ids, unknown and taken ids, and calls on a closed runner. */
final class EngineErrors {
  private EngineErrors() {}

  /** Rejects an id that no backtest can have (and that must never reach a path or a label filter). */
  static void requireId(String id) {
    WorkloadKind.BACKTEST.requireValidId(id);
  }

  static RuntimeException notFound(String scope, String id) {
    return new BacktestNotFoundException(id, scope);
  }

  static RuntimeException alreadyExists(String scope, String id) {
    return new BacktestAlreadyExistsException(id, scope);
  }

  static RuntimeException closed(String type, String scope) {
    return RuntimeClosedException.backtestRunner(type, scope);
  }
}
