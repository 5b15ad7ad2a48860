package dev.berth.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.minio.MinioObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backtest's result and full log land in the S3 server at the keys {@link StorageLayout} documents, on a
 * runner configured only by {@code store.*} keys as a deployment would set them; a result over
 * {@code backtest.result-max-size} fails the backtest saying so, and is not stored.
 */
abstract class BacktestStorageScenario {
  /** 150 lines (more than the 100 of a result's tail), then the result. */
  static final String TICKS_THEN_RESULT = "i=1; while [ $i -le 150 ]; do echo tick $i; i=$((i+1)); done; "
      + "echo '{\"pnl\":3.5}' > result.json";

  protected final String scope = DockerEngine.scope("it-results");
  protected S3Server server;
  private MinioObjectStore reader;
  private BacktestRunner runner;

  /** The runner of the backend under test, built from {@code config} alone. */
  protected abstract BacktestRunner runner(RuntimeConfig config);

  /** A backtest running {@code script} with {@code sh -c} in its working directory. */
  protected abstract BacktestSpec.Builder spec(String id, String script);

  @BeforeEach
  void start() throws Exception {
    server = S3Server.started();
    reader = server.store();
    runner = runner(server.config(Map.of("scope", scope, "backtest.result-max-size", "1k")));
  }

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.close();
    }
    if (reader != null) {
      reader.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private String read(String key) {
    return new String(reader.getBytes(ObjectStore.RESULTS_BUCKET, key).orElseThrow(() -> new AssertionError(
        "no object test-results/" + key + " in the S3 server")), StandardCharsets.UTF_8);
  }

  @Test
  void theResultAndTheFullLogLandInTheS3ServerAtTheDocumentedKeys() {
    BacktestResult result = runner.run(spec("bt-stored", TICKS_THEN_RESULT).build());

    assertThat(result.state()).as("state (%s)", result.message()).isEqualTo(BacktestState.SUCCEEDED);
    assertThat(result.message()).isEmpty();
    assertThat(result.resultJson()).hasValueSatisfying(json -> assertThat(json.strip()).isEqualTo("{\"pnl\":3.5}"));
    String resultKey = StorageLayout.backtestResultKey(scope, "bt-stored");
    String logKey = StorageLayout.backtestLogKey(scope, "bt-stored");
    assertThat(resultKey).isEqualTo(scope + "/bt-stored/result.json");
    assertThat(result.resultLocation()).contains("test-results/" + resultKey);
    assertThat(result.logsLocation()).contains("test-results/" + logKey);
    assertThat(read(resultKey).strip()).isEqualTo("{\"pnl\":3.5}");
    List<String> stored = read(logKey).lines().map(line -> StorageLayout.parseLogLine(line)
        .orElseThrow(() -> new AssertionError("'" + line + "' is not '<timestamp> <stream> <text>'")))
        .map(LogLine::text).toList();
    assertThat(stored).as("the stored log: every line, not the tail")
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 150).mapToObj(i -> "tick " + i).toList());
    assertThat(result.logTail()).as("the tail in the result").hasSize(100);
  }

  @Test
  void aResultOverTheConfiguredCapFailsTheBacktestAndIsNotStored() {
    BacktestResult result = runner.run(spec("bt-too-big", "echo big; head -c 2048 /dev/zero | tr '\\\\0' x "
        + "> result.json").build());

    assertThat(result.state()).isEqualTo(BacktestState.FAILED);
    assertThat(result.message()).contains("'bt-too-big'").contains("larger than backtest.result-max-size "
        + "(1024 bytes)").contains("raise backtest.result-max-size");
    assertThat(result.resultJson()).isEmpty();
    assertThat(result.resultLocation()).isEmpty();
    assertThat(reader.exists(ObjectStore.RESULTS_BUCKET, StorageLayout.backtestResultKey(scope, "bt-too-big")))
        .as("a stored result over the cap").isFalse();
    assertThat(read(StorageLayout.backtestLogKey(scope, "bt-too-big"))).as("the log is stored all the same")
        .contains(" STDOUT big");
  }
}
