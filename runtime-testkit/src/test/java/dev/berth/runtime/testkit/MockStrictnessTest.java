package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.BerthAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mocks reject what the real backends reject, at the same call. */
class MockStrictnessTest {
  @TempDir
  Path dir;

  private final MockRuntime runtime = new MockRuntime();
  private final MockBacktestRunner runner = new MockBacktestRunner(runtime.engine(), "default");

  @AfterEach
  void close() {
    runner.close();
  }

  private static BotSpec.Builder bot(String id) {
    return BotSpec.builder(id).image("registry/momentum:7").command("python3", "main.py");
  }

  private void rejectedAtCreate(BotSpec spec, String... messageParts) {
    assertThatThrownBy(() -> runtime.create(spec)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("code bundle of '" + spec.id() + "'").hasMessageContainingAll(messageParts);
    assertThatThrownBy(() -> runtime.status(spec.id())).as("nothing may be created")
        .isInstanceOf(BotNotFoundException.class);
  }

  @Test
  void aBundleDirectoryThatDoesNotExistIsRejectedAtCreate() {
    Path missing = dir.resolve("no-such-strategy");
    rejectedAtCreate(bot("bot-1").codeBundle(CodeBundle.directory(missing)).build(), missing.toString(),
        "does not exist");
  }

  @Test
  void archivesWithEntriesLeavingTheWorkspaceAreRejectedAtCreate() throws IOException {
    Path parent = zip("parent.zip", "main.py", "../evil.py");
    rejectedAtCreate(bot("bot-1").codeBundle(CodeBundle.archive(parent)).build(), "entry '../evil.py'", "'..'");
    Path absolute = tarGz("absolute.tar.gz", new Entry("main.py", '0', ""), new Entry("/etc/cron.d/evil", '0', ""));
    rejectedAtCreate(bot("bot-2").codeBundle(CodeBundle.archive(absolute)).build(), "entry '/etc/cron.d/evil'",
        "absolute path");
    Path link = tarGz("link.tar.gz", new Entry("main.py", '0', ""), new Entry("data", '2', "../../etc"));
    rejectedAtCreate(bot("bot-3").codeBundle(CodeBundle.archive(link)).build(), "entry 'data'", "outside");
    rejectedAtCreate(bot("bot-4").codeBundle(CodeBundle.archive(dir.resolve("gone.zip"))).build(), "gone.zip",
        "does not exist");
  }

  @Test
  void anEntrypointMissingFromTheBundleIsRejectedAtCreate() throws IOException {
    Path strategy = Files.createDirectories(dir.resolve("strategy"));
    Files.writeString(strategy.resolve("bot.py"), "def main(id, config): pass\n");
    rejectedAtCreate(BotSpec.builder("bot-1").codeBundle(CodeBundle.directory(strategy)).entrypoint("main.py")
        .build(), "entrypoint: 'main.py' is not a file", "bot.py");
    Path archive = tarGz("bot.tar.gz", new Entry("src/bot.py", '0', ""));
    rejectedAtCreate(BotSpec.builder("bot-2").codeBundle(CodeBundle.archive(archive)).entrypoint("main.py")
        .build(), "entrypoint: 'main.py' is not a file", "src/bot.py");
  }

  @Test
  void aSafeBundleWithItsEntrypointRuns() throws IOException {
    Path archive = zip("ok.zip", "main.py", "lib/util.py");
    runtime.create(BotSpec.builder("bot-1").codeBundle(CodeBundle.archive(archive)).entrypoint("main.py").build());
    runtime.start("bot-1");
    assertThat(runtime.status("bot-1")).isRunning();
  }

  @Test
  void aProgramNotOnThePathFailsStartAndTheBotNeverRuns() {
    runtime.create(BotSpec.builder("bot-1").command("no-such-program-berth", "--fast").build());
    assertThatThrownBy(() -> runtime.start("bot-1")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("program 'no-such-program-berth' not found on PATH=")
        .hasMessageContaining("give the spec an image");
    assertThat(runtime.status("bot-1")).hasFailed().hasNoExitCode().hasMessageContaining("could not start");
    assertThat(runtime.runningBots()).isEmpty();
  }

  @Test
  void aProgramOnThePathOrAtAnExistingPathRuns() throws IOException {
    runtime.create(BotSpec.builder("bot-1").command("sh", "-c", "exec sleep 1000").build());
    runtime.start("bot-1");
    Path script = Files.writeString(dir.resolve("my-bot"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    runtime.create(BotSpec.builder("bot-2").command(script.toString()).build());
    runtime.start("bot-2");
    runtime.create(BotSpec.builder("bot-3").command("my-bot").env("PATH", dir.toString()).build());
    runtime.start("bot-3");
    assertThat(runtime.runningBots()).extracting(status -> status.id()).containsExactly("bot-1", "bot-2", "bot-3");
  }

  @Test
  void aProgramPathThatDoesNotExistStartsAndExitsWith127() {
    runtime.create(BotSpec.builder("bot-1").command(dir.resolve("gone").toString()).build());
    runtime.start("bot-1");
    assertThat(runtime.status("bot-1")).hasFailed().hasExitCode(127).hasMessageContaining("command not found");
  }

  @Test
  void aSpecWithAnImageModelsAContainerAndIsNotCheckedForItsProgram() {
    runtime.create(BotSpec.builder("bot-1").image("registry/momentum:7").command("no-such-program-berth").build());
    runtime.start("bot-1");
    assertThat(runtime.status("bot-1").state()).isEqualTo(BotState.RUNNING);
  }

  @Test
  void aBacktestWithAnUnsafeArchiveIsSubmittedAndEndsFailedAsTheRealEngineEndsIt() throws IOException {
    Path archive = zip("bt.zip", "backtest.py", "../../evil.py");
    BacktestResult result = runner.submit(BacktestSpec.builder("bt-1").image("registry/backtest:3")
        .command("python3", "backtest.py").codeBundle(CodeBundle.archive(archive)).build()).await();
    assertThat(result).failed().hasNoResultJson();
    assertThat(result.exitCode()).isEmpty();
    assertThat(result.message()).startsWith("could not start: ").contains("entry '../../evil.py'");
    assertThat(result.startedAt()).isEmpty();
  }

  @Test
  void aBacktestWhoseProgramIsNotOnThePathEndsFailedEvenWhenAnOutcomeIsScripted() {
    runner.script("bt-1", MockBacktestOutcome.success("{}"));
    BacktestResult result = runner.run(BacktestSpec.builder("bt-1").command("no-such-program-berth").build());
    assertThat(result).failed();
    assertThat(result.message()).contains("could not start").contains("not found on PATH");
  }

  private Path zip(String name, String... entries) throws IOException {
    Path file = dir.resolve(name);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (String entry : entries) {
        zip.putNextEntry(new ZipEntry(entry));
        zip.write("pass\n".getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return file;
  }

  /** A tar member: a name, a type flag ('0' file, '2' symbolic link) and a link target. */
  private record Entry(String name, char type, String link) {}

  private Path tarGz(String name, Entry... entries) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (Entry entry : entries) {
        byte[] content = entry.type() == '0' ? "pass\n".getBytes(StandardCharsets.UTF_8) : new byte[0];
        out.write(header(entry, content.length));
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
      }
      out.write(new byte[1024]);
    }
    return file;
  }

  private static byte[] header(Entry entry, int size) {
    byte[] header = new byte[512];
    put(header, 0, entry.name());
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", size));
    put(header, 136, String.format("%011o", 0));
    header[156] = (byte) entry.type();
    put(header, 157, entry.link());
    put(header, 257, "ustar");
    put(header, 263, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    header[155] = ' ';
    return header;
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
