package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine must know of a backtest to see it through, also when it adopts one another runner
 * launched: recorded on the workload as metadata at launch, read back from {@link BacktestDriver#list()}.
 *
 * @param id the backtest's id
 * @param resultPath where the workload writes its result, relative to its working directory
 * @param keep whether the workload stays after it ends
 * @param timeout the spec's timeout, for messages
 * @param deadline when it times out
 */
record Plan(String id, String resultPath, boolean keep, Duration timeout, Instant deadline) {
  static final String DEADLINE = "berth.deadline";
  static final String TIMEOUT = "berth.timeout";
  static final String RESULT_PATH = "berth.result-path";
  static final String KEEP = "berth.keep";

  static Plan of(BacktestSpec spec, Instant submittedAt) {
    return new Plan(spec.id(), spec.resultPath(), spec.keep(), spec.timeout(), deadline(submittedAt, spec.timeout()));
  }

  /**
   * When a backtest submitted at {@code submittedAt} times out; {@link Instant#MAX}, no deadline, for a timeout
   * so long (centuries, {@code ChronoUnit.FOREVER}) that the instant or its epoch milliseconds would overflow.
   */
  static Instant deadline(Instant submittedAt, Duration timeout) {
    try {
      Instant deadline = submittedAt.plus(timeout);
      deadline.toEpochMilli();
      return deadline;
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return Instant.MAX;
    }
  }

  /** The plan a launch recorded; a workload without metadata gets defaults and no deadline it could miss. */
  static Plan fromMetadata(String id, Map<String, String> metadata) {
    Duration timeout = parse(metadata.get(TIMEOUT), Duration::parse).orElse(BacktestSpec.DEFAULT_TIMEOUT);
    Instant deadline = parse(metadata.get(DEADLINE), text -> Instant.ofEpochMilli(Long.parseLong(text)))
        .orElse(Instant.MAX);
    return new Plan(id, metadata.getOrDefault(RESULT_PATH, BacktestSpec.DEFAULT_RESULT_PATH),
        Boolean.parseBoolean(metadata.get(KEEP)), timeout, deadline);
  }

  Map<String, String> metadata() {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (!deadline.equals(Instant.MAX)) {
      metadata.put(DEADLINE, Long.toString(deadline.toEpochMilli()));
    }
    metadata.put(TIMEOUT, timeout.toString());
    metadata.put(RESULT_PATH, resultPath);
    metadata.put(KEEP, Boolean.toString(keep));
    return metadata;
  }

  private static <T> Optional<T> parse(String text, java.util.function.Function<String, T> parser) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(text));
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
