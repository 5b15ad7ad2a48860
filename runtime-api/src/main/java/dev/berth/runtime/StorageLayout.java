package dev.berth.runtime;

/**
 * Where Berth puts things in an {@link ObjectStore}: the same keys on every backend and every store, so a
 * service (or a person with an S3 browser) finds a backtest's result without asking the runner.
 *
 * <pre>
 * test-results/&lt;scope&gt;/&lt;backtest-id&gt;/result.json   the JSON the workload wrote to its result path
 * test-results/&lt;scope&gt;/&lt;backtest-id&gt;/output.log    every line it wrote, both streams, oldest first
 * </pre>
 *
 * <p>Each line of {@code output.log} is {@code <timestamp> <stream> <text>}: an ISO-8601 instant with
 * nanoseconds in UTC, {@code STDOUT} or {@code STDERR}, one space each, e.g.
 * {@code 2026-12-02T10:15:30.123456789Z STDOUT tick 3 BTC-USD}. {@link BacktestResult#resultLocation()} and
 * {@link BacktestResult#logsLocation()} name these objects as {@code bucket/key}.
 */
public final class StorageLayout {
  /** The object holding a backtest's result JSON. */
  public static final String RESULT_FILE = "result.json";
  /** The object holding a backtest's full log. */
  public static final String LOG_FILE = "output.log";

  private StorageLayout() {}

  /** The key of a backtest's result in {@link ObjectStore#RESULTS_BUCKET}: {@code <scope>/<id>/result.json}. */
  public static String backtestResultKey(String scope, String backtestId) {
    return backtestPrefix(scope, backtestId) + RESULT_FILE;
  }

  /** The key of a backtest's full log in {@link ObjectStore#RESULTS_BUCKET}: {@code <scope>/<id>/output.log}. */
  public static String backtestLogKey(String scope, String backtestId) {
    return backtestPrefix(scope, backtestId) + LOG_FILE;
  }

  /** The prefix of everything stored for one backtest: {@code <scope>/<id>/}. */
  public static String backtestPrefix(String scope, String backtestId) {
    return scope + "/" + backtestId + "/";
  }

  /** {@code bucket/key}, the form {@link BacktestResult} reports locations in. */
  public static String location(String bucket, String key) {
    return bucket + "/" + key;
  }

  /** One line of a stored log: {@code <timestamp> <stream> <text>}, without the line break. */
  public static String formatLogLine(LogLine line) {
    return line.timestamp() + " " + line.stream() + " " + line.text();
  }

  /** Parses a line written by {@link #formatLogLine}; empty when the text is not such a line. */
  public static java.util.Optional<LogLine> parseLogLine(String text) {
    int first = text.indexOf(' ');
    int second = first < 0 ? -1 : text.indexOf(' ', first + 1);
    if (second < 0) {
      return java.util.Optional.empty();
    }
    try {
      java.time.Instant timestamp = java.time.Instant.parse(text.substring(0, first));
      LogStream stream = LogStream.valueOf(text.substring(first + 1, second));
      return java.util.Optional.of(new LogLine(timestamp, stream, text.substring(second + 1)));
    } catch (java.time.format.DateTimeParseException | IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }
}
