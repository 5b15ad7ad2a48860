package dev.berth.runtime.core.internal.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.core.internal.CountingStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's rules, against an in-memory driver: deterministic and fast. */
class BacktestEngineTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path stateDir;
  @TempDir
  Path storeDir;
  private final FakeDriver.Cluster cluster = new FakeDriver.Cluster();
  private final List<BacktestEngine<FakeDriver.Workload>> engines = new ArrayList<>();

  private BacktestEngine<FakeDriver.Workload> engine(FakeDriver driver, Optional<ObjectStore> store, int tailLines) {
    BacktestEngine<FakeDriver.Workload> engine = new BacktestEngine<>(driver, new EngineSettings("research",
        stateDir, store, Duration.ofSeconds(1), tailLines, 64, Duration.ofMillis(100)));
    engines.add(engine);
    return engine;
  }

  private BacktestEngine<FakeDriver.Workload> engine() {
    return engine(new FakeDriver(cluster), Optional.empty(), 100);
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(BacktestEngine::close);
  }

  private static BacktestSpec spec(String id) {
    return BacktestSpec.builder(id).command("run").build();
  }

  @Test
  void aSuccessStoresItsResultAndFullLogInTheDocumentedLayout() throws Exception {
    FakeDriver.Script script = cluster.script("bt-ok");
    script.lines = FakeDriver.numbered(5, 2, i -> i == 3 ? LogLine.stderr(Instant.parse("2026-12-01T00:00:00Z"),
        "warn") : null);
    script.result = "{\"pnl\":1}";
    FileSystemObjectStore store = new FileSystemObjectStore(storeDir);
    BacktestResult result = engine(new FakeDriver(cluster), Optional.of(store), 3).run(spec("bt-ok"));

    assertThat(result.state()).isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.message()).isEmpty();
    assertThat(result.resultJson()).contains("{\"pnl\":1}");
    assertThat(result.logTail()).as("the configured tail of 3 lines").extracting(LogLine::text)
        .containsExactly("warn", "line-4", "line-5");
    assertThat(result.resultLocation()).contains("test-results/research/bt-ok/result.json");
    assertThat(result.logsLocation()).contains("test-results/research/bt-ok/output.log");
    assertThat(store.getBytes(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestResultKey("research", "bt-ok")))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8)).contains("{\"pnl\":1}");
    String log = new String(store.getBytes(ObjectStore.RESULTS_BUCKET,
        StorageLayout.backtestLogKey("research", "bt-ok")).orElseThrow(), StandardCharsets.UTF_8);
    assertThat(log.lines().map(line -> StorageLayout.parseLogLine(line).orElseThrow()).toList())
        .as("every line, parseable").isEqualTo(script.lines);
    assertThat(cluster.workloads).as("the workload is removed").isEmpty();
  }

  @Test
  void aFollowDeliversEveryLineExactlyOnceWhenTheDriversFollowEndsEarly() throws Exception {
    FakeDriver.Script script = cluster.script("bt-fast");
    Instant base = Instant.parse("2026-12-01T00:00:00Z");
    // stderr lines stamped slightly before the stdout lines around them, as two readers stamp them
    script.lines = FakeDriver.numbered(2000, 7, i -> i % 100 == 0
        ? LogLine.stderr(base.plusNanos((long) ((i - 1) / 7) * 1000 - 1), "err-" + i) : null);
    script.followEndsEarlyAfter = 333;
    script.runUntilStopped = true;
    BacktestEngine<FakeDriver.Workload> engine = engine();
    BacktestExecution execution = engine.submit(spec("bt-fast"));
    List<CompletableFuture<List<LogLine>>> followers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      followers.add(CompletableFuture.supplyAsync(() -> {
        try (Stream<LogLine> lines = engine.logs("bt-fast", LogOptions.following())) {
          return lines.collect(Collectors.toList());
        }
      }));
    }
    await().atMost(WAIT).until(() -> cluster.workloads.containsKey("bt-fast"));
    cluster.workloads.get("bt-fast").exit(0);
    assertThat(execution.await().state()).isEqualTo(BacktestState.SUCCEEDED);
    for (CompletableFuture<List<LogLine>> follower : followers) {
      assertThat(follower.get(20, TimeUnit.SECONDS)).as("a follow whose driver stream ended after 333 lines")
          .isEqualTo(script.lines);
    }
    try (Stream<LogLine> lines = engine.logs("bt-fast", LogOptions.builder().follow(true).stderrOnly().build())) {
      assertThat(lines.map(LogLine::text)).as("a follow of stderr after the end").hasSize(20).first()
          .isEqualTo("err-100");
    }
  }

  @Test
  void aCancelWhileTheWorkloadIsStillLaunchingInterruptsTheLaunch() {
    cluster.script("bt-pull").blockLaunchUntilInterrupted = true;
    FakeDriver driver = new FakeDriver(cluster);
    BacktestEngine<FakeDriver.Workload> engine = engine(driver, Optional.empty(), 100);
    BacktestExecution execution = engine.submit(spec("bt-pull"));
    await().atMost(WAIT).until(() -> driver.launching.contains("bt-pull"));
    assertThat(execution.status().state()).isEqualTo(BacktestState.PENDING);
    engine.cancel("bt-pull");
    BacktestResult result = execution.await();
    assertThat(result.state()).isEqualTo(BacktestState.CANCELLED);
    assertThat(driver.launchesInterrupted).containsExactly("bt-pull");
    assertThat(engine.status("bt-pull").state()).isEqualTo(BacktestState.CANCELLED);
    try (Stream<LogLine> lines = engine.logs("bt-pull", LogOptions.following())) {
      assertThat(lines).as("the follow of a backtest that never ran ends at once").isEmpty();
    }
  }

  @Test
  void aTimeoutWhileLaunchingEndsTimedOutAndARunningOneIsStopped() {
    cluster.script("bt-slow-pull").blockLaunchUntilInterrupted = true;
    cluster.script("bt-forever").runUntilStopped = true;
    FakeDriver driver = new FakeDriver(cluster);
    BacktestEngine<FakeDriver.Workload> engine = engine(driver, Optional.empty(), 100);
    BacktestResult pulling = engine.run(spec("bt-slow-pull").toBuilder().timeout(Duration.ofMillis(200)).build());
    assertThat(pulling.state()).isEqualTo(BacktestState.TIMED_OUT);
    assertThat(pulling.message()).isEqualTo("timed out after 200ms; it was stopped (SIGTERM, then SIGKILL after 1s)");
    BacktestResult running = engine.run(spec("bt-forever").toBuilder().timeout(Duration.ofMillis(300)).build());
    assertThat(running.state()).isEqualTo(BacktestState.TIMED_OUT);
    assertThat(running.exitCode()).hasValue(143);
    assertThat(driver.stops).hasValue(1);
  }

  @Test
  void aStoreDownAtStartLeavesResultsInMemoryWithoutWaitingOnTheStoreForEachBacktest() {
    CountingStore store = new CountingStore();
    store.down = true;
    cluster.script("bt-1").result = "{\"pnl\":1}";
    cluster.script("bt-2").result = "{\"pnl\":2}";
    BacktestEngine<FakeDriver.Workload> engine = engine(new FakeDriver(cluster), Optional.of(store), 10);
    await("the start-up check finds the store down").atMost(WAIT).until(() -> engine.store().outage().isPresent());

    List<BacktestResult> results = List.of(engine.run(spec("bt-1")), engine.run(spec("bt-2")));

    assertThat(results).allSatisfy(result -> {
      assertThat(result.state()).isEqualTo(BacktestState.SUCCEEDED);
      assertThat(result.resultLocation()).isEmpty();
      assertThat(result.logsLocation()).isEmpty();
      assertThat(result.message()).startsWith("its result and log were not stored: the object store has not "
          + "answered since").contains("connection refused");
    });
    assertThat(results).extracting(result -> result.resultJson().orElseThrow())
        .containsExactly("{\"pnl\":1}", "{\"pnl\":2}");
    assertThat(store.puts).as("writes tried while the store is known to be down").hasValue(0);
  }

  @Test
  void aResultOverTheCapFailsTheBacktestSayingSo() {
    cluster.script("bt-big").result = "x".repeat(65);
    BacktestResult result = engine().run(spec("bt-big"));
    assertThat(result.state()).isEqualTo(BacktestState.FAILED);
    assertThat(result.resultJson()).isEmpty();
    assertThat(result.message()).contains("'bt-big'").contains("larger than backtest.result-max-size (64 bytes)")
        .contains("raise backtest.result-max-size");
  }

  @Test
  void aNewRunnerAdoptsTheBacktestOfARunnerThatClosedAndEnforcesItsDeadline() {
    cluster.script("bt-orphan").runUntilStopped = true;
    cluster.script("bt-orphan").lines = List.of(LogLine.stdout(Instant.now(), "started"));
    BacktestEngine<FakeDriver.Workload> first = engine();
    BacktestExecution orphan = first.submit(spec("bt-orphan").toBuilder().timeout(Duration.ofSeconds(2)).build());
    await().atMost(WAIT).until(() -> orphan.status().state() == BacktestState.RUNNING);

    FakeDriver other = new FakeDriver(cluster);
    BacktestEngine<FakeDriver.Workload> live = engine(other, Optional.empty(), 100);
    assertThat(live.status("bt-orphan").message()).as("a live runner's backtest is not adopted")
        .contains("another runner");

    first.close();
    assertThatThrownBy(orphan::await).hasMessageContaining("closed").hasMessageContaining("takes it over");
    assertThat(cluster.workloads.get("bt-orphan").running()).as("close leaves it running").isTrue();

    await().atMost(WAIT).until(() -> live.status("bt-orphan").state() == BacktestState.TIMED_OUT);
    assertThat(other.stops).as("stopped at its deadline by the runner that adopted it").hasValue(1);
    assertThat(cluster.workloads).as("and removed").isEmpty();
    try (Stream<LogLine> lines = live.logs("bt-orphan", LogOptions.DEFAULT)) {
      assertThat(lines.map(LogLine::text)).containsExactly("started");
    }
  }

  @Test
  void closingTheRunnerEndsItsFollowsAndLeavesNoThreadOrSpool() throws Exception {
    cluster.script("bt-open").runUntilStopped = true;
    BacktestEngine<FakeDriver.Workload> engine = engine();
    engine.submit(spec("bt-open"));
    CompletableFuture<Long> follow = CompletableFuture.supplyAsync(() -> {
      try (Stream<LogLine> lines = engine.logs("bt-open", LogOptions.following())) {
        return lines.count();
      }
    });
    await().atMost(WAIT).until(() -> cluster.workloads.containsKey("bt-open"));
    engine.close();
    assertThat(follow.get(5, TimeUnit.SECONDS)).isZero();
    await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(thread -> thread.getName().startsWith("berth-fake-")));
    try (Stream<Path> spools = Files.list(stateDir.resolve("spool"))) {
      assertThat(spools).as("the closed runner's spool").isEmpty();
    }
    assertThatThrownBy(() -> engine.status("bt-open")).hasMessageContaining("closed");
  }

  @Test
  void deleteCancelsARunningBacktestAndForgetsIt() {
    cluster.script("bt-del").runUntilStopped = true;
    BacktestEngine<FakeDriver.Workload> engine = engine();
    BacktestExecution execution = engine.submit(spec("bt-del"));
    await().atMost(WAIT).until(() -> execution.status().state() == BacktestState.RUNNING);
    engine.delete("bt-del");
    assertThat(execution.await().state()).isEqualTo(BacktestState.CANCELLED);
    assertThatThrownBy(() -> engine.status("bt-del")).isInstanceOf(BacktestNotFoundException.class)
        .hasMessageContaining("backtest");
    assertThat(cluster.workloads).isEmpty();
    engine.delete("bt-del");
  }

  @Test
  void malformedIdsAreBadInputNotUnknownBacktests() {
    BacktestEngine<FakeDriver.Workload> engine = engine();
    assertThatThrownBy(() -> engine.status("../x")).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("backtestId").hasMessageContaining("'../x'");
    assertThatThrownBy(() -> engine.delete("A")).isInstanceOf(InvalidSpecException.class);
  }
}
