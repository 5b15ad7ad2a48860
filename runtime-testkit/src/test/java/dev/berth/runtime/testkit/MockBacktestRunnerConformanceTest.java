package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestRunner;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** MockBacktestRunner passes the kit it is the reference for. */
class MockBacktestRunnerConformanceTest extends BacktestRunnerConformanceKit {
  private final MockEngine engine = new MockEngine();

  @Override
  protected BacktestRunner newRunner(String scope) {
    return new MockBacktestRunner(engine, scope);
  }

  @Override
  protected Workloads workloads() {
    return new MockWorkloads();
  }

  @Override
  protected Clock clock() {
    return engine.clock();
  }

  @Override
  protected Optional<Set<String>> leftovers(String scope) {
    return Optional.of(Set.copyOf(engine.backtestWorkloads(scope)));
  }
}
