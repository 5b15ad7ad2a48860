package dev.berth.runtime.spi;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeConfig;

/**
 * A backend, registered in {@code META-INF/services/dev.berth.runtime.spi.RuntimeProvider} of its jar and
 * found by {@link dev.berth.runtime.Runtimes}. Implementations need a public no-argument constructor and
 * must be cheap to construct: the work happens in {@link #probe} and the factory methods.
 */
public interface RuntimeProvider {
  /** The type callers ask for: {@code docker}, {@code kubernetes}, {@code local}, {@code apple}. */
  String type();

  /** Higher wins in {@link dev.berth.runtime.Runtimes#detect}; local processes are lowest. */
  int priority();

  /** A cheap check whether the backend is usable here (socket present, CLI installed); never throws. */
  Probe probe(RuntimeConfig config);

  /** Creates a runtime; Runtimes health-checks it before handing it out. */
  Runtime createRuntime(RuntimeConfig config);

  /** Creates a backtest runner. */
  BacktestRunner createBacktestRunner(RuntimeConfig config);
}
