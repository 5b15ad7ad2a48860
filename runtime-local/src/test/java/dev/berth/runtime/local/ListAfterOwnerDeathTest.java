package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner JVM halts; its restart-policy bots exit while no JVM watches, so their state files still say
 * RUNNING with pids that are gone. A new runtime's first call is {@code list()} while the bots' locks are
 * held (as the supervisor holds them while it records exits and restarts): neither {@code list} nor
 * {@code status} may report a dead pid as RUNNING.
 */
class ListAfterOwnerDeathTest {
  private static final String SCOPE = "halted";

  @TempDir
  Path stateDir;

  @Test
  void listAndStatusNeverReportADeadPidAsRunningWhileTheBotsAreLocked() throws Exception {
    Path go = stateDir.resolve("go");
    Set<String> deadIds = Set.copyOf(runOwnerUntilItHalts(go));
    assertThat(deadIds).hasSize(HaltingOwner.BOTS);
    Files.createFile(go); // every bot exits 3 now, with no JVM watching
    for (int i = 0; i < HaltingOwner.BOTS; i++) {
      Path exit = dir(i).exitFile();
      await().atMost(LocalTestSupport.WAIT).until(() -> Files.exists(exit) && Files.size(exit) > 0);
    }
    Files.delete(go); // their policy restarts will run until stopped
    for (int i = 0; i < HaltingOwner.BOTS; i++) {
      assertThat(BotRecord.load(dir(i)).orElseThrow().state).as("the record left by the halted owner")
          .isEqualTo(BotState.RUNNING);
    }

    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread busy = new Thread(() -> holdEveryLock(locked, release), "test-busy-supervisor");
    busy.start();
    LocalRuntime runtime = null;
    try {
      assertThat(locked.await(20, TimeUnit.SECONDS)).isTrue();
      runtime = LocalRuntime.builder().stateDir(stateDir).scope(SCOPE).build();
      List<BotStatus> listed = runtime.list();
      assertThat(listed).hasSize(HaltingOwner.BOTS);
      for (BotStatus status : listed) {
        assertThat(status.state()).as("listed state of %s, whose pid %s is gone", status.id(), status.runtimeId())
            .isNotEqualTo(BotState.RUNNING);
        assertThat(status.state()).isEqualTo(BotState.FAILED);
        assertThat(status.exitCode()).as("exit code of %s", status.id()).hasValue(3);
        assertThat(runtime.status(status.id()).state()).as("status of %s", status.id()).isEqualTo(BotState.FAILED);
      }
      release.countDown();
      busy.join(20_000);

      LocalRuntime adopted = runtime;
      await("every bot restarted by its policy").atMost(LocalTestSupport.WAIT).until(() -> adopted.list().stream()
          .allMatch(s -> s.state() == BotState.RUNNING && s.restartCount() == 1 && !deadIds.contains(s.runtimeId())));
      for (BotStatus status : runtime.list()) {
        assertThat(runtime.status(status.id()).runtimeId()).as("status and list agree").isEqualTo(status.runtimeId());
      }
    } finally {
      release.countDown();
      busy.join(20_000);
      if (runtime == null) {
        runtime = LocalRuntime.builder().stateDir(stateDir).scope(SCOPE).build();
      }
      LocalTestSupport.cleanUp(runtime);
    }
  }

  private WorkloadDir dir(int index) {
    return new WorkloadDir(stateDir.resolve(SCOPE).resolve("bots").resolve(HaltingOwner.id(index)));
  }

  /** Holds every bot's lock, as a supervisor busy recording their exits would, until released. */
  private void holdEveryLock(CountDownLatch locked, CountDownLatch release) {
    List<WorkloadLock.Held> held = new ArrayList<>();
    try {
      for (int i = 0; i < HaltingOwner.BOTS; i++) {
        held.add(WorkloadLock.lock(dir(i).root()));
      }
      locked.countDown();
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      held.forEach(WorkloadLock.Held::close);
    }
  }

  /** Runs {@link HaltingOwner} and returns the runtime ids of its bots once it has halted. */
  private List<String> runOwnerUntilItHalts(Path go) throws Exception {
    Path output = stateDir.resolve("owner.out");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process owner = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        HaltingOwner.class.getName(), stateDir.toString(), SCOPE, go.toString())
        .redirectOutput(output.toFile()).redirectError(stateDir.resolve("owner.err").toFile()).start();
    try {
      assertThat(owner.waitFor(60, TimeUnit.SECONDS)).as("the owner JVM halted").isTrue();
    } finally {
      owner.destroyForcibly();
    }
    String ready = Files.readString(output, StandardCharsets.UTF_8).trim();
    assertThat(ready).as("the owner's output (stderr in owner.err)").startsWith("READY ");
    return List.of(ready.substring("READY ".length()).split(" "));
  }
}
