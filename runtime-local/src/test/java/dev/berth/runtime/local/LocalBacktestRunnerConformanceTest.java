package dev.berth.runtime.local;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.testkit.BacktestRunnerConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The local backtest runner against the shared conformance kit, in a temporary state directory. */
class LocalBacktestRunnerConformanceTest extends BacktestRunnerConformanceKit {
  private static Path stateDir;

  @BeforeAll
  static void createStateDir() throws IOException {
    stateDir = Files.createTempDirectory("berth-local-backtest-tck");
  }

  @AfterAll
  static void deleteStateDir() throws IOException {
    AtomicFiles.deleteTree(stateDir);
  }

  @Override
  protected BacktestRunner newRunner(String scope) {
    return LocalBacktestRunner.builder().stateDir(stateDir).scope(scope).stopGrace(Duration.ofSeconds(5))
        .objectStore(new FileSystemObjectStore(stateDir.resolve("store"))).build();
  }

  @Override
  protected Workloads workloads() {
    return new LocalWorkloads();
  }

  /** Backtest directories left in the scope (each holds the process identity while it runs). */
  @Override
  protected Optional<Set<String>> leftovers(String scope) {
    Path dir = stateDir.resolve(scope).resolve("backtests");
    if (!Files.isDirectory(dir)) {
      return Optional.of(Set.of());
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return Optional.of(entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
