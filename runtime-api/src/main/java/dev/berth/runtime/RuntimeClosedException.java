package dev.berth.runtime;

/**
 * A {@link Runtime} or {@link BacktestRunner} was called after {@code close()}. Every backend throws this for
 * every call on a closed instance except {@code close()}, {@code type()} and {@code health()} (which reports
 * it unhealthy instead, since it never throws). Workloads are not affected: a new instance of the same scope
 * manages them.
 */
public class RuntimeClosedException extends BerthException {
  private static final long serialVersionUID = 1L;

  public RuntimeClosedException(String message) {
    super(message);
  }

  /** {@code This docker runtime (scope 'x') is closed; create a new one.} */
  public static RuntimeClosedException runtime(String type, String scope) {
    return new RuntimeClosedException("This " + type + " runtime (scope '" + scope + "') is closed; create a new "
        + "one. Its bots keep running and the new runtime manages them.");
  }

  /** {@code This docker backtest runner (scope 'x') is closed; create a new one.} */
  public static RuntimeClosedException backtestRunner(String type, String scope) {
    return new RuntimeClosedException("This " + type + " backtest runner (scope '" + scope + "') is closed; create "
        + "a new one.");
  }
}
