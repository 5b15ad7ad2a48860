package dev.berth.runtime.local;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.RuntimeProvider;

/**
 * Registers the local runtime ({@code "local"}) with {@link dev.berth.runtime.Runtimes}. Its priority is the
 * lowest (0), so {@code Runtimes.detect()} picks any usable container backend first and falls back to host
 * processes, which are always available. Configuration: see {@link LocalRuntime}.
 */
public final class LocalRuntimeProvider implements RuntimeProvider {
  /** The runtime type. */
  public static final String TYPE = "local";

  /** Called by {@link java.util.ServiceLoader}; cheap. */
  public LocalRuntimeProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int priority() {
    return 0;
  }

  /** Always available where a POSIX shell exists; the detail says where bots would live. */
  @Override
  public Probe probe(RuntimeConfig config) {
    if (!Wrapper.shellAvailable()) {
      return Probe.fail("/bin/sh is missing; the local runtime starts every workload through it");
    }
    String stateDir;
    try {
      stateDir = config.getPath(LocalSettings.STATE_DIR).orElseGet(LocalSettings::defaultStateDir).toString();
    } catch (RuntimeException e) {
      return Probe.fail(e.getMessage());
    }
    return Probe.pass("host processes, state in " + stateDir);
  }

  @Override
  public Runtime createRuntime(RuntimeConfig config) {
    return LocalRuntime.fromConfig(config);
  }

  @Override
  public BacktestRunner createBacktestRunner(RuntimeConfig config) {
    return LocalBacktestRunner.fromConfig(config);
  }
}
