package dev.berth.runtime.docker;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.Health;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.RuntimeProvider;

/**
 * Registers the {@code docker} backend with {@link dev.berth.runtime.Runtimes}. Its probe pings the engine
 * (one quick request), so {@code Runtimes.detect} prefers Docker where an engine answers.
 */
public final class DockerRuntimeProvider implements RuntimeProvider {
  /** The type name callers ask for. */
  public static final String TYPE = "docker";

  /** Above local processes, below Kubernetes when both are configured. */
  public static final int PRIORITY = 100;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Probe probe(RuntimeConfig config) {
    try (DockerConnection connection = DockerConnection.open(DockerSettings.from(config), System.getenv())) {
      Health health = connection.health();
      return health.healthy()
          ? Probe.pass(health.version() + " at " + connection.endpoint().host())
          : Probe.fail(health.message());
    } catch (RuntimeException e) {
      return Probe.fail(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public Runtime createRuntime(RuntimeConfig config) {
    return DockerRuntime.fromConfig(config);
  }

  @Override
  public BacktestRunner createBacktestRunner(RuntimeConfig config) {
    return DockerBacktestRunner.builder().config(config).build();
  }
}
