package dev.berth.runtime.apple;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.testkit.BacktestRunnerConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** The Apple backtest runner against the backtest conformance kit, through the fake CLI on the local engine. */
@Tag("docker")
class AppleBacktestRunnerConformanceTest extends BacktestRunnerConformanceKit {
  private static FakeContainer fake;

  @BeforeAll
  static void installFake() {
    fake = FakeContainer.docker(AppleTestSupport.workDir("backtest-kit"));
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

  private static Path work() {
    return AppleTestSupport.workDir("backtest-kit-work");
  }

  /** Every runner checks the fake CLI on start; 50 cycles catch a per-instance leak. */
  @Override
  protected int createCloseCycles() {
    return 50;
  }

  @Override
  protected BacktestRunner newRunner(String scope) {
    return AppleBacktestRunner.builder().executable(fake.executable()).scope(scope).workDir(work())
        .objectStore(objectStore().orElseThrow()).build();
  }

  @Override
  protected Optional<ObjectStore> objectStore() {
    return Optional.of(new FileSystemObjectStore(work().resolve("store")));
  }

  @Override
  protected Workloads workloads() {
    return new AppleWorkloads(AppleTestSupport.IMAGE);
  }

  /** The backtests of the scope that still have a container (read from Docker, not the CLI) or files. */
  @Override
  protected Optional<Set<String>> leftovers(String scope) {
    Set<String> ids = new HashSet<>();
    for (String container : fake.dockerContainers(Map.of(Names.SCOPE, scope, Names.KIND,
        WorkloadKind.BACKTEST.label()))) {
      ids.add(FakeContainer.exec(List.of(FakeContainer.DOCKER, "inspect", "--format",
          "{{index .Config.Labels \"" + Names.ID + "\"}}", container), true).strip());
    }
    Path dir = work().resolve(scope).resolve("backtests");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        entries.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".")).forEach(ids::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.of(ids);
  }
}
