package dev.berth.integration;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.docker.DockerBacktestRunner;
import org.junit.jupiter.api.Tag;

/** Docker backtests store their results in the S3 server. */
@Tag("docker")
class DockerBacktestStorageTest extends BacktestStorageScenario {
  @Override
  protected BacktestRunner runner(RuntimeConfig config) {
    DockerEngine.require();
    return DockerBacktestRunner.builder().config(config).workDir(DockerEngine.workDir()).build();
  }

  @Override
  protected BacktestSpec.Builder spec(String id, String script) {
    return BacktestSpec.builder(id).image(DockerEngine.IMAGE).command("sh", "-c", script);
  }
}
