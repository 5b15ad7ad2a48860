package dev.berth.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.local.LocalBacktestRunner;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.runtime.minio.MinioObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a store, or with one that is down at start, bots with local code run and backtests return their
 * results in memory; each runtime and runner says once, at warn, what is disabled; a store that comes back is
 * used again.
 */
class DegradedStoreTest {
  @TempDir
  Path stateDir;
  @TempDir
  Path code;
  private final AtomicInteger backtests = new AtomicInteger();
  private LogCapture log;

  @BeforeEach
  void capture() throws Exception {
    log = LogCapture.of("dev.berth");
    Files.writeString(code.resolve("run.sh"), "echo local code\n");
  }

  @AfterEach
  void release() {
    log.close();
  }

  private List<String> storeWarnings() {
    return log.messages(Level.WARN).stream().filter(message -> message.contains("object store")).toList();
  }

  private RuntimeConfig config(RuntimeConfig store, String scope) {
    return store.with("local.state-dir", stateDir.toString()).with("scope", scope);
  }

  private static void aBotWithLocalCodeRuns(LocalRuntime runtime) {
    runtime.create(BotSpec.builder("local-code").codeBundle(CodeBundle.directory(Path.of("."))).command("sh",
        "-c", "echo local code").build());
    runtime.start("local-code");
    assertThat(LocalStoredCodeTest.awaitOutput(runtime, "local-code")).containsExactly("local code");
    runtime.delete("local-code");
  }

  private BacktestResult backtest(BacktestRunner runner) {
    return runner.run(BacktestSpec.builder("bt-" + backtests.incrementAndGet())
        .command("sh", "-c", "echo computing; echo '{\"pnl\":1}' > result.json").build());
  }

  private static void inMemoryOnly(BacktestResult result) {
    assertThat(result.state()).as("state (%s)", result.message()).isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.resultJson()).hasValueSatisfying(json -> assertThat(json.strip()).isEqualTo("{\"pnl\":1}"));
    assertThat(result.logTail()).isNotEmpty();
    assertThat(result.resultLocation()).isEmpty();
    assertThat(result.logsLocation()).isEmpty();
  }

  @Test
  void withoutAStoreBotsAndBacktestsWorkAndEachSaysOnceWhatIsDisabled() {
    RuntimeConfig config = config(RuntimeConfig.of(Map.of("store.type", "none")), "no-store");
    try (LocalRuntime runtime = LocalRuntime.fromConfig(config);
        BacktestRunner runner = LocalBacktestRunner.fromConfig(config)) {
      aBotWithLocalCodeRuns(runtime);
      aBotWithLocalCodeRuns(runtime);
      assertThatThrownBy(() -> runtime.create(BotSpec.builder("stored").codeBundle(CodeBundle.stored("a.zip"))
          .command("sh", "run.sh").build())).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("none is configured");
      inMemoryOnly(backtest(runner));
      inMemoryOnly(backtest(runner));
    }

    assertThat(storeWarnings()).as("warnings about the object store").satisfiesExactlyInAnyOrder(
        warning -> assertThat(warning).startsWith("The local runtime of scope 'no-store' has no object store "
            + "(store.type=none): bots with CodeBundle.stored code cannot be created"),
        warning -> assertThat(warning).startsWith("The local backtest runner of scope 'no-store' has no object "
            + "store (store.type=none): results and logs of backtests are returned in memory only"));
  }

  @Test
  void aStoreDownAtStartIsReportedOnceAndUsedAgainOnceItAnswers() throws Exception {
    try (S3Server server = S3Server.notStarted()) {
      RuntimeConfig config = config(server.config(Map.of()), "store-down");
      try (LocalRuntime runtime = LocalRuntime.fromConfig(config);
          BacktestRunner runner = LocalBacktestRunner.fromConfig(config)) {
        await("both start-up checks find the store down").atMost(Duration.ofSeconds(60))
            .until(() -> storeWarnings().size() == 2);
        aBotWithLocalCodeRuns(runtime);
        BacktestResult first = backtest(runner);
        BacktestResult second = backtest(runner);
        inMemoryOnly(first);
        inMemoryOnly(second);
        assertThat(second.message()).startsWith("its result and log were not stored: the object store has not "
            + "answered since");

        assertThat(storeWarnings()).as("warnings about the object store").satisfiesExactlyInAnyOrder(
            warning -> assertThat(warning).startsWith("The local runtime of scope 'store-down' cannot use its "
                + "object store MinioObjectStore[" + server.endpoint()).contains("not reachable"),
            warning -> assertThat(warning).startsWith("The local backtest runner of scope 'store-down' cannot "
                + "use its object store").contains("results and logs of backtests are returned in memory only"));

        server.start();
        BacktestResult stored = await("a backtest whose result is stored again").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1)).until(() -> backtest(runner),
                result -> result.resultLocation().isPresent());
        try (MinioObjectStore reader = server.store()) {
          assertThat(reader.getBytes(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestResultKey("store-down",
              stored.id()))).as("the stored result").isPresent();
        }
        assertThat(log.messages(Level.INFO)).as("what the runner says when the store is back")
            .anySatisfy(message -> assertThat(message).startsWith("The local backtest runner of scope "
                + "'store-down' reaches its object store").contains("again"));
        assertThat(storeWarnings()).as("warnings about the object store after it came back").hasSize(2);
      }
    }
  }
}
