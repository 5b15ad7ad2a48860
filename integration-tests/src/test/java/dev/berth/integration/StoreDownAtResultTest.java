package dev.berth.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.local.LocalBacktestRunner;
import dev.berth.runtime.minio.MinioObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store answers when the runner starts and goes down before a backtest's result is stored. The documented
 * behaviour: the backtest still SUCCEEDS and returns its result and log tail in memory, its message says they
 * were not stored and why, within the store client's retries (seconds, not minutes); later backtests skip
 * the store at once while it is marked down; a result kept in memory is not stored later; once the store
 * answers again new results are stored.
 */
class StoreDownAtResultTest {
  private static final String SCOPE = "store-drops";
  private static final Duration BOUND = Duration.ofSeconds(30);
  @TempDir
  Path stateDir;
  private final AtomicInteger backtests = new AtomicInteger();

  @Test
  void aResultWhoseStoreWentDownIsReturnedInMemoryWithTheReasonAndLaterResultsAreStoredAgain() throws Exception {
    try (S3Server server = S3Server.started()) {
      RuntimeConfig config = server.config(Map.of())
          .with("local.state-dir", stateDir.toString()).with("scope", SCOPE);
      try (BacktestRunner runner = LocalBacktestRunner.fromConfig(config); MinioObjectStore reader = server.store()) {
        BacktestResult before = backtest(runner);
        assertThat(before.resultLocation()).as("stored while the store answers (%s)", before.message()).isPresent();

        server.stop();
        long started = System.nanoTime();
        BacktestResult during = backtest(runner);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        inMemoryWithReason(during);
        assertThat(during.message()).startsWith("storing its result or log failed: ");
        assertThat(took).as("the store's outage costs a bounded time").isLessThan(BOUND);
        long startedAgain = System.nanoTime();
        BacktestResult next = backtest(runner);
        Duration tookAgain = Duration.ofNanos(System.nanoTime() - startedAgain);
        inMemoryWithReason(next);
        assertThat(next.message()).startsWith("its result and log were not stored: ");
        System.out.printf("Store down at result time: first backtest %d ms, next %d ms%n", took.toMillis(),
            tookAgain.toMillis());

        server.start();
        BacktestResult stored = await("a result stored again").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1)).until(() -> backtest(runner), r -> r.resultLocation().isPresent());
        assertThat(reader.getBytes(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestResultKey(SCOPE, stored.id())))
            .as("the result after the outage").isPresent();
        for (BacktestResult kept : new BacktestResult[] {during, next}) {
          assertThat(reader.getBytes(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestResultKey(SCOPE, kept.id())))
              .as("a result kept in memory is not stored later: %s", kept.id()).isEmpty();
        }
      }
    }
  }

  private BacktestResult backtest(BacktestRunner runner) {
    return runner.run(BacktestSpec.builder("bt-" + backtests.incrementAndGet())
        .command("sh", "-c", "echo computing; echo '{\"pnl\":1}' > result.json").build());
  }

  private static void inMemoryWithReason(BacktestResult result) {
    assertThat(result.state()).as("state (%s)", result.message()).isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.resultJson()).hasValueSatisfying(json -> assertThat(json.strip()).isEqualTo("{\"pnl\":1}"));
    assertThat(result.logTail()).extracting(dev.berth.runtime.LogLine::text).contains("computing");
    assertThat(result.resultLocation()).isEmpty();
    assertThat(result.logsLocation()).isEmpty();
  }
}
