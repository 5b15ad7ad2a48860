package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.FileSystemObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner JVM dies by SIGKILL in the middle of a call ({@link MidCallOwner} prints a marker once the call is
 * under way; a hanging download, a TERM-ignoring bot or a running backtest keeps it there). A new runtime on the
 * same state directory then finds a consistent state: the bot is either absent or whole, its state agrees with
 * the process table, nothing half-made is left (no workspace of a bot that does not exist, no spool file), the
 * id can be used again, and an orphaned backtest is taken over and finished.
 */
class OwnerKilledMidCallTest {
  @TempDir
  Path stateDir;
  private Process owner;
  private LocalRuntime runtime;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (owner != null) {
      owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (runtime == null) {
      runtime = LocalRuntime.builder().stateDir(stateDir).scope(MidCallOwner.SCOPE).noObjectStore().build();
    }
    LocalTestSupport.cleanUp(runtime);
  }

  @Test
  void aCreateKilledWhileItsBundleDownloadsLeavesNoBotAndNoHalfWorkspace() throws Exception {
    byte[] bundle = bundle();
    new FileSystemObjectStore(stateDir.resolve("store")).put(ObjectStore.CODE_BUCKET, "bundle.zip", bundle,
        "application/zip");
    killAt("create", "MID-CREATE");
    runtime = LocalRuntime.builder().stateDir(stateDir).scope(MidCallOwner.SCOPE)
        .objectStore(new FileSystemObjectStore(stateDir.resolve("store"))).build();
    assertThatThrownBy(() -> runtime.status("bot")).isInstanceOf(BotNotFoundException.class);
    assertThat(runtime.list(BotFilter.ALL)).isEmpty();
    killAt("create-again", "CREATED"); // a JVM with the same temporary directory creates the bot after all
    assertThat(filesUnder(stateDir.resolve("tmp"))).as("no spool file of the killed download left").isEmpty();
    BotStatus created = runtime.status("bot");
    assertThat(created.state()).isEqualTo(BotState.CREATED);
    runtime.start("bot");
    assertThat(LocalTestSupport.awaitLogs(runtime, "bot", texts -> !texts.isEmpty())).containsExactly("whole");
    runtime.delete("bot");
    assertThat(filesUnder(stateDir.resolve(MidCallOwner.SCOPE))).as("nothing of the bot left")
        .noneMatch(p -> p.toString().contains("/bot/"));
  }

  @Test
  void aStartKilledAnywhereLeavesAStatusThatAgreesWithTheProcessTable() throws Exception {
    killAt("start", "STARTING");
    runtime = LocalRuntime.builder().stateDir(stateDir).scope(MidCallOwner.SCOPE).noObjectStore().build();
    BotStatus status = runtime.status("bot");
    assertThat(status.state()).isIn(BotState.CREATED, BotState.RUNNING);
    assertAgreesWithProcessTable(status);
    runtime.start("bot");
    BotStatus started = runtime.status("bot");
    assertThat(started.state()).isEqualTo(BotState.RUNNING);
    if (status.state() == BotState.RUNNING) {
      assertThat(started.runtimeId()).as("re-adopted, not launched twice").isEqualTo(status.runtimeId());
    }
    assertThat(runtime.list(BotFilter.ALL)).extracting(BotStatus::runtimeId).containsExactly(started.runtimeId());
  }

  @Test
  void anUpdateKilledWhileItStopsTheBotLeavesOneConsistentBot() throws Exception {
    String updating = killAt("update", "UPDATING");
    Path term = stateDir.resolve("term");
    await().atMost(LocalTestSupport.WAIT).until(() -> Files.exists(term));
    // the marker was printed before the update; the bot's SIGTERM proves the update was stopping it
    owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    String before = updating.substring("UPDATING ".length());
    runtime = LocalRuntime.builder().stateDir(stateDir).scope(MidCallOwner.SCOPE).noObjectStore()
        .stopGrace(Duration.ofSeconds(1)).build();
    BotStatus status = runtime.status("bot");
    assertAgreesWithProcessTable(status);
    assertThat(runtime.list(BotFilter.ALL)).hasSize(1);
    if (status.state() == BotState.RUNNING) {
      assertThat(status.runtimeId()).as("still the bot the update was stopping").isEqualTo(before);
    }
    BotStatus updated = runtime.update("bot", BotUpdate.builder().env(Map.of("NEXT", "2")).build());
    assertAgreesWithProcessTable(updated);
    await("the old process is gone (and reaped by init)").atMost(LocalTestSupport.WAIT)
        .until(() -> !pid(before).map(ProcessHandle::isAlive).orElse(false));
    runtime.delete("bot");
    assertThatThrownBy(() -> runtime.status("bot")).isInstanceOf(BotNotFoundException.class);
  }

  @Test
  void aBacktestWhoseRunnerWasKilledIsTakenOverAndFinished() throws Exception {
    killAt("backtest", "RUNNING");
    try (dev.berth.runtime.BacktestRunner next = LocalBacktestRunner.builder().stateDir(stateDir).scope(MidCallOwner.SCOPE)
        .noObjectStore().sweepInterval(Duration.ofMillis(200)).build()) {
      assertThat(next.status("bt").state()).isEqualTo(BacktestState.RUNNING);
      Files.createFile(stateDir.resolve("go"));
      await().atMost(LocalTestSupport.WAIT).until(() -> next.status("bt").state() == BacktestState.SUCCEEDED);
      assertThat(next.status("bt").exitCode()).hasValue(0);
      assertThat(stateDir.resolve(MidCallOwner.SCOPE).resolve("backtests").resolve("bt"))
          .as("its workspace is removed").doesNotExist();
      next.delete("bt");
      assertThatThrownBy(() -> next.status("bt")).isInstanceOf(BacktestNotFoundException.class);
    }
  }

  /** Starts the owner with {@code action}, waits for the line starting with {@code marker}, kills the JVM. */
  private String killAt(String action, String marker) throws IOException, InterruptedException {
    Path output = stateDir.resolve("owner.out");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Files.createDirectories(stateDir.resolve("tmp"));
    owner = new ProcessBuilder(javaBin.toString(), "-Djava.io.tmpdir=" + stateDir.resolve("tmp"), "-cp",
        System.getProperty("java.class.path"), MidCallOwner.class.getName(), stateDir.toString(),
        MidCallOwner.SCOPE, action).redirectOutput(output.toFile())
        .redirectError(stateDir.resolve("owner.err").toFile()).start();
    String line = await().atMost(LocalTestSupport.WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> Files.readAllLines(output, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(marker))
            .findFirst().orElse(null), l -> l != null);
    if (!action.equals("update")) {
      owner.destroyForcibly();
      assertThat(owner.waitFor(30, TimeUnit.SECONDS)).as("the owner JVM died").isTrue();
    }
    return line;
  }

  private static void assertAgreesWithProcessTable(BotStatus status) {
    boolean alive = status.runtimeId() != null && pid(status.runtimeId()).map(ProcessHandle::isAlive).orElse(false);
    assertThat(status.state() == BotState.RUNNING).as("RUNNING exactly when its process lives: %s", status)
        .isEqualTo(alive);
  }

  private static java.util.Optional<ProcessHandle> pid(String runtimeId) {
    if (runtimeId == null || !runtimeId.startsWith("pid:")) {
      return java.util.Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(runtimeId.substring("pid:".length())));
  }

  private static List<Path> filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).toList();
    }
  }

  /** A zip with run.sh and enough padding that half of it is a partial download. */
  private static byte[] bundle() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("run.sh"));
      zip.write("echo whole; while :; do sleep 1; done\n".getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new ZipEntry("data.bin"));
      zip.setLevel(0);
      byte[] padding = new byte[256 * 1024];
      new java.util.Random(1).nextBytes(padding);
      zip.write(padding);
    }
    return bytes.toByteArray();
  }
}
