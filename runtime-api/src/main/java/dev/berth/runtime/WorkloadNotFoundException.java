package dev.berth.runtime;

import java.util.Objects;

/**
 * No workload with this id exists in the scope: the common type of {@link BotNotFoundException} and
 * {@link BacktestNotFoundException}, so a caller can catch both at once.
 *
 * <pre>{@code
 * try {
 *   runtime.status(id);
 * } catch (WorkloadNotFoundException e) {
 *   log.info("{} {} is gone", e.kind(), e.id());
 * }
 * }</pre>
 */
public abstract class WorkloadNotFoundException extends BerthException {
  private static final long serialVersionUID = 1L;
  private final WorkloadKind kind;
  private final String id;
  private final String scope;

  /**
   * @param kind bot or backtest
   * @param id the id that was looked up
   * @param scope the scope it was looked up in
   * @param message what happened and what to do, naming the kind and the id
   */
  protected WorkloadNotFoundException(WorkloadKind kind, String id, String scope, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.id = String.valueOf(id);
    this.scope = String.valueOf(scope);
  }

  /** The kind of workload that was looked up. */
  public WorkloadKind kind() {
    return kind;
  }

  /** The id that was looked up. */
  public String id() {
    return id;
  }

  /** The scope the id was looked up in. */
  public String scope() {
    return scope;
  }

  /** The not-found exception of {@code kind} with the standard message. */
  public static WorkloadNotFoundException of(WorkloadKind kind, String id, String scope) {
    return kind == WorkloadKind.BOT ? new BotNotFoundException(id, scope) : new BacktestNotFoundException(id, scope);
  }
}
