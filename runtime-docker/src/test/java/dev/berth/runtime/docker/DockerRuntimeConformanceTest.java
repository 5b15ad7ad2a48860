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

  @Override
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    DockerTestSupport.containerIds(java.util.Map.of(Labels.SCOPE, scope, Labels.ID, botId, Labels.KIND,
        Labels.KIND_BOT)).forEach(DockerTestSupport::removeContainer);
    return true;
  }
}
