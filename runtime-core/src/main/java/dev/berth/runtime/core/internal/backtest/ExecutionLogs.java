package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The log of a backtest the engine watches: the driver's while it runs, the spooled complete copy once it
 * has ended, and follows that lose no line in between. Every open follow is tracked so that closing the
 * runner ends it.
 */
final class ExecutionLogs<W> {
  private final BacktestDriver<W> driver;
  private final Set<EngineFollow<W>> follows = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ExecutionLogs(BacktestDriver<W> driver) {
    this.driver = driver;
  }

  Stream<LogLine> of(Execution<W> execution, LogOptions options) {
    Optional<LogSpool> spooled = execution.spool.isDone() ? execution.spool.join() : Optional.empty();
    if (spooled.isPresent()) {
      return spooled.get().select(options);
    }
    if (execution.ended()) {
      return select(execution.tail(), options);
    }
    if (!options.follow()) {
      return execution.workload().map(w -> driver.logs(w, options)).orElseGet(Stream::empty);
    }
    List<EngineFollow<W>> holder = new java.util.ArrayList<>(1);
    EngineFollow<W> follow = new EngineFollow<>(execution.started, w -> driver.logs(w, options), execution.spool,
        options, () -> follows.remove(holder.get(0)));
    holder.add(follow);
    follows.add(follow);
    if (closed) {
      follow.close();
    }
    return follow.stream();
  }

  /** Ends every open follow. */
  void closeAll() {
    closed = true;
    follows.forEach(EngineFollow::close);
  }

  /** The lines of {@code kept} that {@code options} select (streams, since, tail). */
  static Stream<LogLine> select(List<LogLine> kept, LogOptions options) {
    List<LogLine> accepted = kept.stream().filter(options::accepts).toList();
    int from = options.tail() < 0 ? 0 : Math.max(0, accepted.size() - options.tail());
    return accepted.subList(from, accepted.size()).stream();
  }
}
