package dev.berth.runtime.testkit;

import dev.berth.runtime.Runtime;
import java.time.Clock;

/** MockRuntime passes the kit it is the reference for. */
class MockRuntimeConformanceTest extends RuntimeConformanceKit {
  private final MockEngine engine = new MockEngine();

  @Override
  protected Runtime newRuntime(String scope) {
    return MockRuntime.builder().engine(engine).scope(scope).build();
  }

  @Override
  protected Workloads workloads() {
    return new MockWorkloads();
  }

  @Override
  protected Clock clock() {
    return engine.clock();   // a stop's grace passes on the engine's virtual clock, not in real time
  }

  @Override
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    return engine.removeBehindTheRuntimesBack(scope, botId);
  }
}
