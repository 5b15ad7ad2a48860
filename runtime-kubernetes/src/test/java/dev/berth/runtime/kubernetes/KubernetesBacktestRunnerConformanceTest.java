package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.kubernetes.sim.SimulatedCluster;
import dev.berth.runtime.kubernetes.sim.SimulatedClusterExtension;
import dev.berth.runtime.testkit.BacktestRunnerConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes backtest runner against the backtest conformance kit, on the simulated control plane: Jobs
 * run by the simulated Job controller, their pods by the kubelet on the local Docker engine. The simulation runs
 * in this JVM: its threads and its side of the connections are left out of the leak checks.
 */
@Tag("docker")
class KubernetesBacktestRunnerConformanceTest extends BacktestRunnerConformanceKit {
  @RegisterExtension
  static final SimulatedClusterExtension SIMULATION = new SimulatedClusterExtension();

  private static SimulatedCluster cluster() {
    return SIMULATION.cluster();
  }

  @Override
  protected BacktestRunner newRunner(String scope) {
    return KubeTestSupport.on(KubernetesBacktestRunner.builder(), cluster(), scope).noObjectStore().build();
  }

  @Override
  protected boolean isFixtureThread(Thread thread) {
    return cluster().ownsThread(thread);
  }

  @Override
  protected boolean isJvmWidePoolThread(Thread thread) {
    return KubeTestSupport.isOkHttpPoolThread(thread);
  }

  @Override
  protected boolean isFixtureConnection(int localPort, int remotePort) {
    return cluster().ownsConnection(localPort, remotePort);
  }

  /** The runner speaks TCP only; the Unix sockets are the simulated kubelet's, to the Docker engine. */
  @Override
  protected boolean countsNonTcpSockets() {
    return false;
  }

  @Override
  protected Workloads workloads() {
    return new KubernetesWorkloads(KubeTestSupport.IMAGE);
  }
}
