package dev.berth.runtime.kubernetes.sim;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link SimulatedCluster} with a kubelet for a test class and its nested classes: started before the first
 * test (skipping or failing the class as {@link SimulatedCluster#startWithKubelet()} does without an engine),
 * closed after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SimulatedClusterExtension simulation = new SimulatedClusterExtension();
 * ... simulation.cluster().url() ...
 * }</pre>
 */
public final class SimulatedClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private volatile SimulatedCluster cluster;
  private volatile String owner;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (cluster == null) { // nested classes inherit the extension: the outermost class starts the cluster
      cluster = SimulatedCluster.startWithKubelet();
      owner = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null && context.getUniqueId().equals(owner)) {
      cluster.close();
      cluster = null;
    }
  }

  /** The running cluster; only between the class's start and end. */
  public SimulatedCluster cluster() {
    SimulatedCluster running = cluster;
    if (running == null) {
      throw new IllegalStateException("the simulated cluster runs only while its test class runs");
    }
    return running;
  }
}
