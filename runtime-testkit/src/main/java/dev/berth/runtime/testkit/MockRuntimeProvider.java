package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.RuntimeProvider;
import java.util.Set;

/**
 * Makes {@code Runtimes.create("mock", config)} and {@code Runtimes.backtests("mock", config)} work when the
 * testkit is on the class path. Runtimes share the JVM-wide {@link MockEngine#named named} engine given by
 * {@value #ENGINE_KEY} (default {@code default}), so two runtimes of one scope see the same bots.
 *
 * <p>{@link dev.berth.runtime.Runtimes#detect} never picks the mock by accident: its probe fails unless the config sets
 * {@value #ENABLED_KEY}{@code =true}, and its priority is the lowest.
 *
 * <pre>{@code
 * Runtime runtime = Runtimes.create("mock", RuntimeConfig.of(Map.of("scope", "svc", "mock.engine", "my-test")));
 * }</pre>
 */
public final class MockRuntimeProvider implements RuntimeProvider {
  /** Config key that lets {@code Runtimes.detect} choose the mock. */
  public static final String ENABLED_KEY = "mock.enabled";
  /** Config key naming the shared engine. */
  public static final String ENGINE_KEY = "mock.engine";

  @Override
  public String type() {
    return "mock";
  }

  @Override
  public int priority() {
    return Integer.MIN_VALUE;
  }

  @Override
  public Probe probe(RuntimeConfig config) {
    try {
      if (config.getBoolean(ENABLED_KEY, false)) {
        return Probe.pass("in-memory mock engine '" + config.get(ENGINE_KEY, "default") + "'");
      }
    } catch (RuntimeException e) {
      return Probe.fail(e.getMessage());
    }
    return Probe.fail("the mock runtime is only detected with " + ENABLED_KEY + "=true; ask for it with "
        + "Runtimes.create(\"mock\", config)");
  }

  @Override
  public Runtime createRuntime(RuntimeConfig config) {
    config.requireKnownKeys("mock", Set.of(ENABLED_KEY, ENGINE_KEY));
    return MockRuntime.builder().engine(engine(config)).scope(config.scope()).stopGrace(config.stopGrace()).build();
  }

  @Override
  public BacktestRunner createBacktestRunner(RuntimeConfig config) {
    config.requireKnownKeys("mock", Set.of(ENABLED_KEY, ENGINE_KEY));
    return new MockBacktestRunner(engine(config), config.scope());
  }

  private static MockEngine engine(RuntimeConfig config) {
    return MockEngine.named(config.get(ENGINE_KEY, "default"));
  }
}
