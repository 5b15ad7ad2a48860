package dev.berth.runtime.kubernetes;

import dev.berth.runtime.Runtime;
import dev.berth.runtime.kubernetes.sim.SimulatedCluster;
import dev.berth.runtime.kubernetes.sim.SimulatedClusterExtension;
import dev.berth.runtime.testkit.RuntimeConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes runtime against the runtime conformance kit, on the simulated control plane: Deployments kept
 * by the simulated Deployment controller, their pods run by the kubelet on the local Docker engine. The
 * simulation runs in this JVM: its threads and its side of the connections are left out of the leak checks.
 * Every call is a few HTTP round trips and every pod a container, so the race and the fleet-sized tests run
 * smaller than the kit's defaults.
 */
@Tag("docker")
class KubernetesRuntimeConformanceTest extends RuntimeConformanceKit {
  @RegisterExtension
  static final SimulatedClusterExtension SIMULATION = new SimulatedClusterExtension();

  private static SimulatedCluster cluster() {
    return SIMULATION.cluster();
  }

  @Override
  protected Runtime newRuntime(String scope) {
    return KubeTestSupport.on(KubernetesRuntime.builder(), cluster(), scope).noObjectStore().build();
  }

  @Override
  protected Workloads workloads() {
    return new KubernetesWorkloads(KubeTestSupport.IMAGE);
  }

  /** What {@code kubectl delete deployment --cascade=foreground} does: the Deployment goes, then its pod. */
  @Override
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    try {
      new AppsV1Api(cluster().client()).deleteNamespacedDeployment(KubeLabels.botName(scope, botId),
          cluster().namespace()).body(new V1DeleteOptions().propagationPolicy("Foreground")).execute();
      return true;
    } catch (ApiException e) {
      throw new AssertionError("deleting the Deployment of bot '" + botId + "' failed: " + e.getCode(), e);
    }
  }

  @Override
  protected int concurrentThreads() {
    return 4;
  }

  @Override
  protected int operationsPerThread() {
    return 20;
  }

  @Override
  protected int generatedSpecs() {
    return 10;
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

  /** The runtime speaks TCP only; the Unix sockets are the simulated kubelet's, to the Docker engine. */
  @Override
  protected boolean countsNonTcpSockets() {
    return false;
  }
}
