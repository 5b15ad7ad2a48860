package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir
  Path dir;

  private Path script(String body) throws IOException {
    Path file = dir.resolve("container");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  @Test
  void capturesLargeOutputOnBothStreamsWithoutDeadlock() throws IOException {
    Cli cli = new Cli(script("i=0; while [ $i -lt 20000 ]; do echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); done; "
        + "echo \"args: $*\"; exit 3"), Duration.ofSeconds(60));
    Cli.Result result = cli.run(List.of("logs", "a b"));
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout().lines()).hasSize(20_001).endsWith("args: logs a b");
    assertThat(result.stderr().lines()).hasSize(20_000).startsWith("err 0");
  }

  @Test
  void argumentsArriveUnchangedWithoutAShell() throws IOException {
    Cli cli = new Cli(script("for a in \"$@\"; do printf '[%s]' \"$a\"; done"), Duration.ofSeconds(30));
    assertThat(cli.run(List.of("a b", "$(rm -rf /)", "'", "")).stdout()).isEqualTo("[a b][$(rm -rf /)]['][]");
  }

  @Test
  void aCallThatHangsIsKilledAtTheTimeout() throws IOException {
    Cli cli = new Cli(script("exec sleep 30"), Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThatThrownBy(() -> cli.run(List.of("ls"))).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("did not finish within").hasMessageContaining("apple.command-timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aMissingExecutableIsUnavailableNamingTheSetting() {
    Cli cli = new Cli(dir.resolve("no-such-container"), Duration.ofSeconds(5));
    assertThatThrownBy(() -> cli.run(List.of("ls"))).isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("no-such-container").hasMessageContaining("apple.path");
    assertThatThrownBy(() -> cli.startStreaming(List.of("logs", "-f", "x")))
        .isInstanceOf(RuntimeUnavailableException.class);
  }

  @Test
  void anInterruptKillsTheChildAndKeepsTheFlag() throws IOException {
    Cli cli = new Cli(script("exec sleep 30"), Duration.ofSeconds(60));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> cli.run(List.of("ls"))).isInstanceOf(RuntimeOperationException.class)
          .hasMessageContaining("Interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void describeMasksEnvValues() {
    assertThat(Cli.describe(List.of("create", "--env", "API_KEY=secret", "-e", "X=y", "--label", "a=b", "img")))
        .isEqualTo("container create --env API_KEY=*** -e X=*** --label a=b img");
  }
}
