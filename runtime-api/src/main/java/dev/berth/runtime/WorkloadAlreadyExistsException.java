package dev.berth.runtime;

import java.util.Objects;

/**
 * The id is taken in the scope: the common type of {@link BotAlreadyExistsException} and
 * {@link BacktestAlreadyExistsException}, so a caller can catch both at once.
 */
public abstract class WorkloadAlreadyExistsException extends BerthException {
  private static final long serialVersionUID = 1L;
  private final WorkloadKind kind;
  private final String id;
  private final String scope;

  /**
   * @param kind bot or backtest
   * @param id the id that is taken
   * @param scope the scope it is taken in
   * @param message what happened and what to do, naming the kind and the id
   */
  protected WorkloadAlreadyExistsException(WorkloadKind kind, String id, String scope, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.id = String.valueOf(id);
    this.scope = String.valueOf(scope);
  }

  /** The kind of workload whose id is taken. */
  public WorkloadKind kind() {
    return kind;
  }

  /** The id that is taken. */
  public String id() {
    return id;
  }

  /** The scope the id is taken in. */
  public String scope() {
    return scope;
  }
}
