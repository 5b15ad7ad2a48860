package dev.berth.runtime.docker;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.testkit.BacktestRunnerConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** The Docker backtest runner against the backtest conformance kit. */
@Tag("docker")
class DockerBacktestRunnerConformanceTest extends BacktestRunnerConformanceKit {
  @BeforeEach
  void engine() {
    DockerTestSupport.requireEngine();
  }

  /** Each runner takes a lease and sweeps the engine on start (about 0.1 s): 100 cycles catch a per-runner leak. */
  @Override
  protected int createCloseCycles() {
    return 100;
  }

  @Override
  protected BacktestRunner newRunner(String scope) {
    return DockerBacktestRunner.builder().scope(scope).workDir(DockerTestSupport.workDir())
        .objectStore(objectStore().orElseThrow()).build();
  }

  @Override
  protected Optional<ObjectStore> objectStore() {
    return Optional.of(new FileSystemObjectStore(DockerTestSupport.workDir().resolve("store")));
  }

  @Override
  protected Workloads workloads() {
    return new DockerWorkloads(DockerTestSupport.IMAGE);
  }

  @Override
  protected Optional<Set<String>> leftovers(String scope) {
    Set<String> ids = new HashSet<>();
    try (DockerConnection connection = DockerTestSupport.connection()) {
      connection.client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(Labels.SCOPE, scope,
          Labels.KIND, Labels.KIND_BACKTEST)).exec().forEach(container -> ids.add(container.getLabels()
          .get(Labels.ID)));
    }
    java.nio.file.Path dir = DockerTestSupport.workDir().resolve(scope).resolve("backtests");
    if (java.nio.file.Files.isDirectory(dir)) {
      try (var entries = java.nio.file.Files.list(dir)) {
        entries.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".new-")).forEach(ids::add);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return Optional.of(ids);
  }
}
