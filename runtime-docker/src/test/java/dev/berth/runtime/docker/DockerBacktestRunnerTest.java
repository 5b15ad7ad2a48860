package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestAlreadyExistsException;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.RuntimeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backtests on Docker: results, logs and the store, failure, timeout, cancel, keep and the sweep. */
@Tag("docker")
class DockerBacktestRunnerTest {
  private static final String SCOPE = DockerTestSupport.uniqueScope("backtests");
  private final DockerWorkloads workloads = new DockerWorkloads(DockerTestSupport.IMAGE);
  @TempDir
  Path storeRoot;
  private ObjectStore store;
  private BacktestRunner runner;

  @BeforeAll
  static void engine() {
    DockerTestSupport.requireEngine();
  }

  @BeforeEach
  void open() {
    store = new FileSystemObjectStore(storeRoot);
    runner = build(Map.of());
  }

  private BacktestRunner build(Map<String, String> config) {
    return DockerBacktestRunner.builder().config(RuntimeConfig.of(config)).scope(SCOPE)
        .workDir(DockerTestSupport.workDir()).objectStore(store).build();
  }

  @AfterEach
  void close() {
    runner.close();
    assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
  }

  @AfterAll
  static void nothingLeft() {
    assertThat(DockerTestSupport.leftovers(SCOPE)).isEmpty();
  }

  @Test
  void aSuccessfulRunReturnsAndStoresItsResultAndLogsAndLeavesNothing() {
    BacktestResult result = runner.run(workloads.writeResult("ok", "{\"pnl\":12.5}").build());
    assertThat(result.state()).isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.exitCode()).hasValue(0);
    assertThat(result.resultJson()).contains("{\"pnl\":12.5}");
    assertThat(result.logTail()).extracting(LogLine::text).containsExactly("done");
    assertThat(result.resultLocation()).contains("test-results/" + SCOPE + "/ok/result.json");
    assertThat(result.logsLocation()).contains("test-results/" + SCOPE + "/ok/output.log");
    assertThat(store.getBytes(ObjectStore.RESULTS_BUCKET, SCOPE + "/ok/result.json"))
        .hasValueSatisfying(bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"pnl\":12.5}"));
    assertThat(store.getBytes(ObjectStore.RESULTS_BUCKET, SCOPE + "/ok/output.log"))
        .hasValueSatisfying(bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).endsWith(" STDOUT done\n"));
    assertThat(runner.status("ok").state()).isEqualTo(BacktestState.SUCCEEDED);
    try (Stream<LogLine> lines = runner.logs("ok", LogOptions.DEFAULT)) {
      assertThat(lines.map(LogLine::text)).containsExactly("done");
    }
    assertThat(DockerTestSupport.workDir().resolve(SCOPE).resolve("backtests").resolve("ok")).doesNotExist();
    runner.delete("ok");
    assertThat(store.exists(ObjectStore.RESULTS_BUCKET, SCOPE + "/ok/result.json")).isFalse();
    assertThatThrownBy(() -> runner.status("ok")).isInstanceOf(BacktestNotFoundException.class);
  }

  @Test
  void aFailingRunReportsItsExitCodeAndStderr() {
    BacktestResult result = runner.run(workloads.failWith("bad", 7).build());
    assertThat(result.state()).isEqualTo(BacktestState.FAILED);
    assertThat(result.exitCode()).hasValue(7);
    assertThat(result.resultJson()).isEmpty();
    assertThat(result.logTail()).extracting(LogLine::text).containsExactly("failing");
    assertThat(result.logTail()).extracting(LogLine::stream).containsExactly(LogStream.STDERR);
    runner.delete("bad");
  }

  @Test
  void aRunPastItsTimeoutIsKilledAndTimedOut() {
    BacktestResult result = runner.run(workloads.runForever("slow").timeout(Duration.ofSeconds(5)).build());
    assertThat(result.state()).isEqualTo(BacktestState.TIMED_OUT);
    assertThat(result.message()).contains("timed out");
    assertThat(result.logTail()).extracting(LogLine::text).contains("started");
    runner.delete("slow");
  }

  @Test
  void cancelEndsARunningBacktestAndASecondSubmitOfTheIdIsRefusedMeanwhile() {
    BacktestExecution execution = runner.submit(workloads.runForever("cancel-me").build());
    await().atMost(Duration.ofSeconds(30)).until(() -> execution.status().state() == BacktestState.RUNNING);
    assertThatThrownBy(() -> runner.submit(workloads.runForever("cancel-me").build()))
        .isInstanceOf(BacktestAlreadyExistsException.class);
    runner.cancel("cancel-me");
    BacktestResult result = execution.await();
    assertThat(result.state()).isEqualTo(BacktestState.CANCELLED);
    runner.delete("cancel-me");
  }

  @Test
  void cancelDuringAPullEndsTheBacktest() {
    BacktestSpec spec = workloads.runForever("pulling").image("local/absent:1").build();
    BacktestExecution execution = runner.submit(spec);
    execution.cancel();
    BacktestResult result = execution.await();
    assertThat(result.state()).isIn(BacktestState.CANCELLED, BacktestState.FAILED);
    runner.delete("pulling");
  }

  @Test
  void keptBacktestsStayUntilDeleted() {
    BacktestResult kept = runner.run(workloads.writeResult("kept", "{}").keep(true).build());
    assertThat(kept.succeeded()).isTrue();
    assertThat(DockerTestSupport.containerIds(Map.of(Labels.ID, "kept", Labels.SCOPE, SCOPE))).isNotEmpty();
    runner.close();
    runner = build(Map.of());
    assertThat(runner.status("kept").state()).as("a new runner leaves a kept backtest alone").isEqualTo(
        BacktestState.SUCCEEDED);
    runner.delete("kept");
    assertThat(DockerTestSupport.containerIds(Map.of(Labels.ID, "kept", Labels.SCOPE, SCOPE))).isEmpty();
  }

  @Test
  void aNewRunnerTakesOverABacktestWhoseRunnerIsGoneAndEnforcesItsDeadline() {
    BacktestExecution orphan = runner.submit(workloads.runForever("orphan").timeout(Duration.ofSeconds(6)).build());
    await().atMost(Duration.ofSeconds(30)).until(() -> orphan.status().state() == BacktestState.RUNNING);
    List<String> containers = DockerTestSupport.containerIds(Map.of(Labels.ID, "orphan", Labels.SCOPE, SCOPE));
    assertThat(containers).hasSize(1);
    String container = containers.get(0);
    runner.close(); // the runner stops watching; its backtest keeps running, as after a crash
    assertThatThrownBy(orphan::await).hasMessageContaining("closed");
    runner = build(Map.of("backtest.sweep-interval", "200ms"));
    assertThat(runner.status("orphan").state()).as("taken over before its deadline").isEqualTo(BacktestState.RUNNING);
    await().atMost(Duration.ofSeconds(30)).until(() -> runner.status("orphan").state() == BacktestState.TIMED_OUT);
    assertThat(DockerTestSupport.containerExists(container)).as("removed").isFalse();
    try (Stream<LogLine> lines = runner.logs("orphan", LogOptions.DEFAULT)) {
      assertThat(lines.map(LogLine::text)).containsExactly("started");
    }
    runner.delete("orphan");
  }
}
