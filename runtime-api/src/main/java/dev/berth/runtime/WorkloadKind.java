package dev.berth.runtime;

/**
 * The two kinds of workload Berth runs: long-lived {@link #BOT bots} and run-once {@link #BACKTEST backtests}.
 * Errors about an id name the kind, and container backends label each workload with it
 * ({@code berth.kind=bot}).
 *
 * <pre>{@code
 * String id = WorkloadKind.BOT.requireValidId(request.botId());   // InvalidSpecException for "../x"
 * }</pre>
 */
public enum WorkloadKind {
  /** A long-lived workload managed by a {@link Runtime}. */
  BOT("bot", "botId"),
  /** A run-once workload managed by a {@link BacktestRunner}. */
  BACKTEST("backtest", "backtestId");

  private final String label;
  private final String idField;

  WorkloadKind(String label, String idField) {
    this.label = label;
    this.idField = idField;
  }

  /** {@code "bot"} or {@code "backtest"}: the word used in messages and the value of the {@code berth.kind} label. */
  public String label() {
    return label;
  }

  /** Whether {@code id} can name a workload: a DNS-1123 label of at most 63 characters. */
  public static boolean isValidId(String id) {
    return id != null && !id.isEmpty() && id.length() <= 63 && Violations.DNS_LABEL.matcher(id).matches();
  }

  /**
   * Returns {@code id} when it can name a workload of this kind. Every {@link Runtime} and
   * {@link BacktestRunner} method taking an id checks it this way first, so a malformed id is bad input on
   * every backend, never a "not found".
   *
   * @throws InvalidSpecException naming the field ({@code botId} or {@code backtestId}), the value and the
   *     DNS-1123 rule
   */
  public String requireValidId(String id) {
    new Violations("argument").id(idField, id).throwIfAny();
    return id;
  }

  @Override
  public String toString() {
    return label;
  }
}
