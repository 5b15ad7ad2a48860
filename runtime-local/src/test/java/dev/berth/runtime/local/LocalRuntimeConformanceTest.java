package dev.berth.runtime.local;

import dev.berth.runtime.Runtime;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import dev.berth.runtime.testkit.RuntimeConformanceKit;
import dev.berth.runtime.testkit.Workloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The local runtime against the shared conformance kit, in a temporary state directory. */
class LocalRuntimeConformanceTest extends RuntimeConformanceKit {
  private static Path stateDir;

  @BeforeAll
  static void createStateDir() throws IOException {
    stateDir = Files.createTempDirectory("berth-local-tck");
  }

  @AfterAll
  static void deleteStateDir() throws IOException {
    AtomicFiles.deleteTree(stateDir);
  }

  @Override
  protected Runtime newRuntime(String scope) {
    return LocalRuntime.builder().stateDir(stateDir).scope(scope).stopGrace(Duration.ofSeconds(5)).build();
  }

  @Override
  protected Workloads workloads() {
    return new LocalWorkloads();
  }

  /** What an operator would do: kill -9 the process tree and remove the bot's directory. */
  @Override
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    WorkloadDir dir = new WorkloadDir(stateDir.resolve(scope).resolve("bots").resolve(botId));
    Optional<BotRecord> record = BotRecord.load(dir);
    record.flatMap(r -> r.process(dir)).ifPresent(ref -> kill(ref));
    // The supervisor may be recording the exit it just saw while we delete: retry until the tree is gone.
    IOException last = null;
    for (int attempt = 0; attempt < 100 && Files.exists(dir.root()); attempt++) {
      try {
        AtomicFiles.deleteTree(dir.root());
      } catch (IOException e) {
        last = e;
      }
    }
    if (Files.exists(dir.root())) {
      throw new AssertionError("Could not remove " + dir.root(), last);
    }
    return true;
  }

  private static void kill(ProcessRef ref) {
    ProcessControl.killAll(ref);
    ProcessControl.awaitExit(ref, Optional.empty(), Duration.ofSeconds(10));
  }
}
