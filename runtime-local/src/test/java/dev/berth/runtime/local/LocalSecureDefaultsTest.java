package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BacktestRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runtime's secure defaults: a workload sees a minimal environment, never the secrets in the
 * environment of the JVM that starts it, and its directories are the owner's alone.
 */
class LocalSecureDefaultsTest {
  /** Secrets a service's JVM typically holds; none may reach a workload. */
  private static final Map<String, String> SECRETS = Map.of(
      "AWS_ACCESS_KEY_ID", "AKIA-LEAK-CHECK", "AWS_SECRET_ACCESS_KEY", "aws-secret-leak-check",
      "MINIO_SECRET_KEY", "minio-secret-leak-check", "MINIO_ACCESS_KEY", "minio-access-leak-check",
      "GITHUB_TOKEN", "token-leak-check", "DATABASE_PASSWORD", "password-leak-check",
      "BERTH_STORE_SECRET_KEY", "berth-secret-leak-check", "LD_PRELOAD", "/leak/check.so");
  /** What a workload may see: the safe base, Berth's own variables, the shell's, and what its spec passes. */
  private static final List<String> ALLOWED = List.of("PATH", "HOME", "LANG", "TZ", "BOT_ID", "BOT_CONFIG",
      "BERTH_RESULT_PATH", "PWD", "SHLVL", "OLDPWD", "_", EnvReportingOwner.PASSED_NAME);

  @TempDir
  Path stateDir;

  @Test
  void workloadsSeeNoneOfTheJvmsSecretsAndTheirDirectoriesAreTheOwnersAlone() throws Exception {
    Path output = stateDir.resolve("owner.out");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder owner = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        EnvReportingOwner.class.getName(), stateDir.toString(), "secure")
        .redirectOutput(output.toFile()).redirectError(stateDir.resolve("owner.err").toFile());
    owner.environment().putAll(SECRETS);
    Process process = owner.start();
    try {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the owner JVM finished").isTrue();
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      assertThat(lines).as("owner output (stderr in owner.err)").contains("DONE");

      for (String prefix : List.of("BOT ", "EXEC ", "BACKTEST ")) {
        Map<String, String> env = lines.stream().filter(line -> line.startsWith(prefix) && line.contains("="))
            .map(line -> line.substring(prefix.length()))
            .collect(Collectors.toMap(line -> line.substring(0, line.indexOf('=')),
                line -> line.substring(line.indexOf('=') + 1), (a, b) -> b));
        assertThat(env).as("%senvironment", prefix).containsKeys("PATH", "BOT_ID");
        assertThat(env.keySet()).as("%svariables", prefix).isSubsetOf(ALLOWED);
        assertThat(env.values()).as("%svalues", prefix).doesNotContainAnyElementsOf(SECRETS.values());
      }
      assertThat(lines).contains("BOT " + EnvReportingOwner.PASSED_NAME + "=" + EnvReportingOwner.PASSED_VALUE);

      Path scope = stateDir.resolve("secure");
      for (Path dir : List.of(scope, scope.resolve("bots"), scope.resolve("bots/env-bot"),
          scope.resolve("bots/env-bot/workspace"), scope.resolve("bots/exec-bot/workspace"),
          scope.resolve("backtests"))) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as("permissions of %s",
            stateDir.relativize(dir)).isEqualTo("rwx------");
      }
      try (Stream<Path> backtests = Files.list(scope.resolve("backtests"))) {
        assertThat(backtests.filter(Files::isDirectory)).allSatisfy(dir -> assertThat(PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir))).as("permissions of %s", dir).isEqualTo("rwx------"));
      }
    } finally {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      cleanUp();
    }
  }

  private void cleanUp() throws IOException {
    LocalTestSupport.cleanUp(LocalRuntime.builder().stateDir(stateDir).scope("secure").build());
    try (BacktestRunner runner = LocalBacktestRunner.builder().stateDir(stateDir).scope("secure").build()) {
      runner.delete("env-backtest");
    }
  }
}
