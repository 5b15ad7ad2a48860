package dev.berth.runtime.apple;

import dev.berth.runtime.Runtime;
import dev.berth.runtime.testkit.RuntimeConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** The Apple runtime against the full conformance kit, through the fake CLI on the local Docker engine. */
@Tag("docker")
class AppleRuntimeConformanceTest extends RuntimeConformanceKit {
  private static FakeContainer fake;

  @BeforeAll
  static void installFake() {
    fake = FakeContainer.docker(AppleTestSupport.workDir("runtime-kit"));
  }

  @AfterAll
  static void removeFakeContainers() {
    if (fake != null) {
      fake.removeContainers();
    }
  }

  @BeforeEach
  void engine() {
    AppleTestSupport.requireEngine();
  }

  @Override
  protected Runtime newRuntime(String scope) {
    return AppleRuntime.builder().executable(fake.executable()).scope(scope)
        .workDir(AppleTestSupport.workDir("runtime-kit-work")).noObjectStore().build();
  }

  @Override
  protected Workloads workloads() {
    return new AppleWorkloads(AppleTestSupport.IMAGE);
  }

  // Every call runs the fake CLI, a process that drives the Docker engine: the heavy kit tests run smaller.

  @Override
  protected int concurrentThreads() {
    return 4;
  }

  @Override
  protected int operationsPerThread() {
    return 15;
  }

  @Override
  protected int createCloseCycles() {
    return 50;
  }

  @Override
  protected int simultaneousFollowers() {
    return 20;
  }

  @Override
  protected int generatedSpecs() {
    return 20;
  }

  @Override
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    for (String id : fake.dockerContainers(Map.of(Names.SCOPE, scope, Names.ID, botId))) {
      FakeContainer.exec(java.util.List.of(FakeContainer.DOCKER, "rm", "-f", id), true);
    }
    return true;
  }
}
