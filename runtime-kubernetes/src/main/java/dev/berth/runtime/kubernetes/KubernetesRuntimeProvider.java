package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.Health;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.spi.RuntimeProvider;

/**
 * Registers the {@code kubernetes} backend with {@link dev.berth.runtime.Runtimes}. Its probe passes where a
 * cluster is configured (explicit URL, in-cluster service account or kubeconfig) and its API server answers.
 */
public final class KubernetesRuntimeProvider implements RuntimeProvider {
  /** The type name callers ask for. */
  public static final String TYPE = "kubernetes";

  /** Above Docker: where a cluster is configured, it is what the service is meant to use. */
  public static final int PRIORITY = 200;

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
    try (KubeConnection connection = KubeConnection.open(KubernetesSettings.from(config), System.getenv())) {
      Health health = connection.health();
      return health.healthy() ? Probe.pass(health.version()) : Probe.fail(health.message());
    } catch (RuntimeException e) {
      return Probe.fail(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public Runtime createRuntime(RuntimeConfig config) {
    return KubernetesRuntime.fromConfig(config);
  }

  @Override
  public BacktestRunner createBacktestRunner(RuntimeConfig config) {
    return KubernetesBacktestRunner.fromConfig(config);
  }
}
