package dev.berth.integration;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.local.LocalBacktestRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Local backtests store their results in the S3 server. */
class LocalBacktestStorageTest extends BacktestStorageScenario {
  @TempDir
  Path stateDir;

  @Override
  protected BacktestRunner runner(RuntimeConfig config) {
    return LocalBacktestRunner.fromConfig(config.with("local.state-dir", stateDir.toString()));
  }

  @Override
  protected BacktestSpec.Builder spec(String id, String script) {
    return BacktestSpec.builder(id).command("sh", "-c", script);
  }
}
