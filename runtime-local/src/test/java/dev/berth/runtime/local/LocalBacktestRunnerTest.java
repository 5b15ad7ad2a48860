package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.FileSystemObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results, storage, timeouts, cancel, keep and the sweep of leftovers. */
class LocalBacktestRunnerTest {
  private static final String FOREVER = "trap 'exit 0' TERM; echo started; while :; do sleep 1000 & wait $!; done";

  @TempDir
  Path stateDir;
  @TempDir
  Path storeDir;

  private BacktestRunner runner(Optional<ObjectStore> store) {
    LocalBacktestRunner.Builder builder = LocalBacktestRunner.builder().stateDir(stateDir).scope("bt")
        .stopGrace(Duration.ofSeconds(2)).sweepInterval(Duration.ofMillis(200));
    store.ifPresentOrElse(builder::objectStore, builder::noObjectStore);
    return builder.build();
  }

  private static BacktestSpec.Builder sh(String id, String script, String... args) {
    return BacktestSpec.builder(id).command(LocalTestSupport.shBot(id, script, args).build().command());
  }

  private Path dir(String id) {
    return stateDir.resolve("bt/backtests").resolve(id);
  }

  @Test
  void theResultIsCollectedStoredAndTheWorkspaceRemoved() {
    FileSystemObjectStore store = new FileSystemObjectStore(storeDir);
    try (BacktestRunner runner = runner(Optional.of(store))) {
      BacktestResult result = runner.run(sh("bt-ok", "echo \"config $BOT_CONFIG\"; mkdir -p out; "
          + "printf '%s' \"$1\" > out/r.json; echo done", "{\"pnl\":12.5}")
          .config("{\"from\":\"2024-01-01\"}").resultPath("out/r.json").build());
      assertThat(result.state()).isEqualTo(BacktestState.SUCCEEDED);
      assertThat(result.exitCode()).hasValue(0);
      assertThat(result.resultJson()).contains("{\"pnl\":12.5}");
      assertThat(result.logTail()).extracting(LogLine::text)
          .containsExactly("config {\"from\":\"2024-01-01\"}", "done");
      assertThat(result.resultLocation()).contains("test-results/bt/bt-ok/result.json");
      assertThat(store.getBytes(ObjectStore.RESULTS_BUCKET, "bt/bt-ok/result.json"))
          .hasValueSatisfying(bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"pnl\":12.5}"));
      assertThat(result.logsLocation()).contains("test-results/bt/bt-ok/output.log");
      assertThat(store.getBytes(ObjectStore.RESULTS_BUCKET, "bt/bt-ok/output.log")).hasValueSatisfying(bytes ->
          assertThat(new String(bytes, StandardCharsets.UTF_8)).endsWith(" STDOUT done\n"));
      assertThat(Files.exists(dir("bt-ok"))).as("workspace removed").isFalse();
      assertThat(runner.status("bt-ok").state()).isEqualTo(BacktestState.SUCCEEDED);
    }
  }

  @Test
  void aTimeoutKillsTheTreeAndATimedOutResultCarriesTheLogs() {
    try (BacktestRunner runner = runner(Optional.empty())) {
      BacktestResult result = runner.run(sh("bt-slow", FOREVER).timeout(Duration.ofMillis(500)).build());
      assertThat(result.state()).isEqualTo(BacktestState.TIMED_OUT);
      assertThat(result.message()).contains("timed out after 500ms");
      assertThat(result.logTail()).extracting(LogLine::text).startsWith("started");
      assertThat(Files.exists(dir("bt-slow"))).isFalse();
    }
  }

  @Test
  void cancelEndsItCancelledAndAFailureKeepsItsExitCode() {
    try (BacktestRunner runner = runner(Optional.empty())) {
      BacktestExecution execution = runner.submit(sh("bt-cancel", FOREVER).build());
      assertThatThrownBy(() -> runner.submit(sh("bt-cancel", FOREVER).build()))
          .isInstanceOf(BacktestAlreadyExistsException.class);
      await().atMost(LocalTestSupport.WAIT).until(() -> runner.logs("bt-cancel", dev.berth.runtime.LogOptions.DEFAULT)
          .map(LogLine::text).anyMatch("started"::equals));
      execution.cancel();
      assertThat(execution.status().state()).isEqualTo(BacktestState.CANCELLED);
      assertThat(execution.await().state()).isEqualTo(BacktestState.CANCELLED);
      runner.cancel("bt-cancel"); // a no-op once ended

      BacktestResult failed = runner.run(sh("bt-fail", "echo failing >&2; exit 3").build());
      assertThat(failed.state()).isEqualTo(BacktestState.FAILED);
      assertThat(failed.exitCode()).hasValue(3);
      assertThat(failed.message()).isEqualTo("exited with code 3; last stderr line: failing");
      assertThat(failed.resultJson()).isEmpty();
    }
  }

  @Test
  void keepLeavesTheFilesUntilDelete() {
    FileSystemObjectStore store = new FileSystemObjectStore(storeDir);
    try (BacktestRunner runner = runner(Optional.of(store))) {
      runner.run(sh("bt-keep", "echo '{}' > result.json").keep(true).build());
      assertThat(dir("bt-keep").resolve("workspace/result.json")).exists();
      try (BacktestRunner second = runner(Optional.of(store))) {
        assertThat(dir("bt-keep")).as("a new runner's sweep leaves kept backtests alone").exists();
        assertThat(second.status("bt-keep").state()).isEqualTo(BacktestState.SUCCEEDED);
      }
      runner.delete("bt-keep");
      assertThat(dir("bt-keep")).doesNotExist();
      assertThat(store.exists(ObjectStore.RESULTS_BUCKET, "bt/bt-keep/result.json")).isFalse();
      assertThatThrownBy(() -> runner.status("bt-keep")).isInstanceOf(BacktestNotFoundException.class);
      runner.delete("bt-keep");
    }
  }

  @Test
  void aNewRunnerTakesOverABacktestWhoseRunnerIsGoneAndEnforcesItsDeadline() {
    BacktestRunner first = runner(Optional.empty());
    BacktestExecution orphan = first.submit(sh("bt-orphan", FOREVER).timeout(Duration.ofSeconds(4)).build());
    await().atMost(LocalTestSupport.WAIT).until(() -> Files.exists(dir("bt-orphan").resolve("state.properties"))
        && AtomicFiles.readProperties(dir("bt-orphan").resolve("state.properties")).orElseThrow().containsKey("pid"));
    long pid = Long.parseLong(AtomicFiles.readProperties(dir("bt-orphan").resolve("state.properties"))
        .orElseThrow().getProperty("pid"));
    try (BacktestRunner live = runner(Optional.empty())) {
      assertThat(live.status("bt-orphan").state()).as("another live runner's backtest").isEqualTo(BacktestState.RUNNING);
      assertThat(live.status("bt-orphan").message()).contains("another runner");
    }
    first.close();
    assertThatThrownBy(orphan::await).hasMessageContaining("closed");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("close() leaves it running").contains(true);
    try (BacktestRunner next = runner(Optional.empty())) {
      assertThat(next.status("bt-orphan").state()).as("taken over, still before its deadline")
          .isEqualTo(BacktestState.RUNNING);
      await().atMost(LocalTestSupport.WAIT).until(() -> next.status("bt-orphan").state() == BacktestState.TIMED_OUT);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("killed at its deadline")
          .isFalse();
      assertThat(dir("bt-orphan")).doesNotExist();
      // The deadline's SIGTERM reaches the script's shell and its sleep alike; when the sleep dies first, the
      // shell reports "Terminated" for it before its trap runs. That line is the script's own, not lost output.
      assertThat(next.logs("bt-orphan", dev.berth.runtime.LogOptions.DEFAULT).map(LogLine::text).toList())
          .as("the adopted backtest's log").startsWith("started")
          .allMatch(line -> line.equals("started") || line.equals("Terminated"))
          .containsOnlyOnce("started");
      next.delete("bt-orphan");
      assertThatThrownBy(() -> next.status("bt-orphan")).isInstanceOf(BacktestNotFoundException.class);
    }
  }

  @Test
  void aFollowFromSubmitGetsEveryLineIncludingAnUnterminatedLastOne() throws Exception {
    String script = "i=1; while [ $i -le 500 ]; do echo line-$i; i=$((i+1)); done; printf last";
    List<String> expected = new ArrayList<>(IntStream.rangeClosed(1, 500).mapToObj(i -> "line-" + i).toList());
    expected.add("last");
    ExecutorService followers = Executors.newFixedThreadPool(10);
    try (BacktestRunner runner = runner(Optional.empty())) {
      List<CompletableFuture<List<String>>> follows = new ArrayList<>();
      for (int n = 0; n < 10; n++) {
        String id = "bt-follow-" + n;
        runner.submit(sh(id, script).build());
        follows.add(CompletableFuture.supplyAsync(() -> {
          try (Stream<LogLine> lines = runner.logs(id, dev.berth.runtime.LogOptions.following())) {
            return lines.map(LogLine::text).toList();
          }
        }, followers));
      }
      for (int n = 0; n < 10; n++) {
        assertThat(follows.get(n).get(60, TimeUnit.SECONDS)).as("follow of bt-follow-" + n)
            .containsExactlyElementsOf(expected);
        runner.delete("bt-follow-" + n);
      }
    } finally {
      followers.shutdownNow();
    }
  }

  @Test
  void theProgramRunsAsAFileNeverAsAShellBuiltin() {
    try (BacktestRunner runner = runner(Optional.empty())) {
      // sh's builtin echo turns "\t" into a tab; the echo program on PATH prints it as it is
      BacktestResult echoed = runner.run(BacktestSpec.builder("bt-echo").command("echo", "a\\tb").build());
      assertThat(echoed.state()).isEqualTo(BacktestState.SUCCEEDED);
      assertThat(echoed.logTail()).extracting(LogLine::text).containsExactly("a\\tb");
      BacktestResult exec = runner.run(BacktestSpec.builder("bt-exec").command("exec", "sleep", "100").build());
      assertThat(exec.state()).isEqualTo(BacktestState.FAILED);
      assertThat(exec.message()).contains("'bt-exec'").contains("program 'exec' not found on PATH=");
    }
  }
}
