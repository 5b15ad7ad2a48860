package dev.berth.runtime.docker;

import dev.berth.runtime.Runtime;
import dev.berth.runtime.testkit.RuntimeConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** The Docker runtime against the full conformance kit, on the local engine with busybox workloads. */
@Tag("docker")
class DockerRuntimeConformanceTest extends RuntimeConformanceKit {
  @BeforeEach
  void engine() {
    DockerTestSupport.requireEngine();
  }

  @Override
  protected Runtime newRuntime(String scope) {
    return DockerTestSupport.runtime(scope).build();
  }

  @Override
  protected Workloads workloads() {
    return new DockerWorkloads(DockerTestSupport.IMAGE);
  }

  /**
   * The race's calls each cost the engine a round trip or a container change (a recreating update about
   * 1.5 s): 8 x 50 took 75-105 s on a loaded 2-core machine, 8 x 30 stays near a minute.
   */
  @Override
  protected int concurrentThreads() {
    return 8;
  }

  @Override
  protected int operationsPerThread() {
    return 30;
  }

  /** Each cycle builds a client and makes two engine calls; 200 of them catch a per-instance leak. */
  @Override
  protected int createCloseCycles() {
    return 200;
  }

  /** Each spec that runs is a container created, started, read and removed (1-4 s on a loaded machine). */
  @Override
  protected int generatedSpecs() {
    return 20;
  }

  @Override
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    DockerTestSupport.containerIds(java.util.Map.of(Labels.SCOPE, scope, Labels.ID, botId, Labels.KIND,
        Labels.KIND_BOT)).forEach(DockerTestSupport::removeContainer);
    return true;
  }
}
