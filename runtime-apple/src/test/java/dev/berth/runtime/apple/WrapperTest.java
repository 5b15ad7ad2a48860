package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.LogStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated entrypoint, run directly by the shells images carry ({@code dash} as Debian's {@code /bin/sh},
 * busybox {@code ash} where it is installed), with a state directory of its own: what it records is what
 * Berth's status and logs are made of.
 */
class WrapperTest {
  @TempDir
  Path state;

  static Stream<String> shells() {
    return Stream.of("/bin/sh", "/bin/busybox").filter(shell -> Files.isExecutable(Path.of(shell)));
  }

  private Process start(String shell, Map<String, String> env, String... workload) throws IOException {
    List<String> argv = new ArrayList<>(shell.endsWith("busybox") ? List.of(shell, "sh") : List.of(shell));
    argv.addAll(Wrapper.arguments(List.of(workload)).subList(0, 3));
    argv.add(state.toString());
    argv.addAll(List.of(workload));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(false);
    builder.environment().putAll(env);
    return builder.start();
  }

  private String file(String name) throws IOException {
    return Files.readString(state.resolve(name), StandardCharsets.UTF_8).strip();
  }

  /** Reads the output while the wrapper runs, as an engine does: a full pipe would stall the taggers. */
  private static List<LogTags.Tagged> finish(Process process) throws Exception {
    CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
      try {
        return process.getInputStream().readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the wrapper ended").isTrue();
    return LogTags.parseAll(new String(output.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8), Instant.EPOCH);
  }

  @ParameterizedTest
  @MethodSource("shells")
  void recordsTheExitCodeTheLineCountsAndTagsEveryLine(String shell) throws Exception {
    Process process = start(shell, Map.of(), "/bin/sh", "-c", "echo a; echo b >&2; echo; printf 'no newline'; exit 3");
    List<LogTags.Tagged> lines = finish(process);
    assertThat(process.exitValue()).isEqualTo(3);
    assertThat(file("exit")).isEqualTo("3");
    assertThat(file("runs")).isEqualTo("1");
    assertThat(file("count-O")).isEqualTo("3");
    assertThat(file("count-E")).isEqualTo("1");
    assertThat(lines).allSatisfy(line -> assertThat(line.tagged()).isTrue());
    assertThat(lines.stream().filter(l -> l.line().stream() == LogStream.STDOUT).map(l -> l.line().text()))
        .containsExactly("a", "", "no newline");
    assertThat(lines.stream().filter(l -> l.line().stream() == LogStream.STDOUT).map(LogTags.Tagged::seq))
        .containsExactly(1L, 2L, 3L);
    assertThat(lines.stream().filter(l -> l.line().stream() == LogStream.STDERR).map(l -> l.line().text()))
        .containsExactly("b");
    assertThat(lines.get(0).line().timestamp()).isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(5));
  }

  @ParameterizedTest
  @MethodSource("shells")
  void aSecondRunCountsOnAndStartsItsLinesAtOne(String shell) throws Exception {
    finish(start(shell, Map.of(), "/bin/sh", "-c", "echo first"));
    List<LogTags.Tagged> second = finish(start(shell, Map.of(), "/bin/sh", "-c", "echo second"));
    assertThat(file("runs")).isEqualTo("2");
    assertThat(second).singleElement().satisfies(line -> {
      assertThat(line.run()).isEqualTo(2);
      assertThat(line.seq()).isEqualTo(1);
      assertThat(line.line().text()).isEqualTo("second");
    });
  }

  @ParameterizedTest
  @MethodSource("shells")
  void sigtermReachesTheWorkloadWhichExitsPromptlyAndWhatItLeftIsKilled(String shell) throws Exception {
    String marker = "sleep 1" + (System.nanoTime() % 1000 + 1000);
    Process process = start(shell, Map.of(), "/bin/sh", "-c", "trap 'exit 0' TERM; echo up; "
        + "while true; do " + marker + " & wait $!; done");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(state.resolve("pid")));
    long start = System.nanoTime();
    // SIGTERM without Process.destroy, which would close the streams still to be read
    new ProcessBuilder("/bin/sh", "-c", "kill -TERM \"$1\"", "sh", Long.toString(process.pid())).start().waitFor();
    List<LogTags.Tagged> lines = finish(process);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(process.exitValue()).isZero();
    assertThat(file("exit")).isEqualTo("0");
    assertThat(lines).extracting(l -> l.line().text()).containsExactly("up");
    if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !running(marker));
    }
  }

  @ParameterizedTest
  @MethodSource("shells")
  void aMissingProgramExits127AndItsNameIsInTheLog(String shell) throws Exception {
    Process process = start(shell, Map.of(), "berth-no-such-program-42", "arg");
    List<LogTags.Tagged> lines = finish(process);
    assertThat(file("exit")).isEqualTo("127");
    assertThat(lines).anySatisfy(line -> {
      assertThat(line.line().stream()).isEqualTo(LogStream.STDERR);
      assertThat(line.line().text()).contains("berth-no-such-program-42");
    });
  }

  /**
   * Both taggers write to the one output: a line must leave in one write, or a fast writer on both streams
   * gets the pieces of an stdout and an stderr line interleaved into one garbled line.
   */
  @ParameterizedTest
  @MethodSource("shells")
  void linesOfTheTwoStreamsWrittenTogetherNeverInterleave(String shell) throws Exception {
    int lines = 3000;
    Process process = start(shell, Map.of(), "/bin/sh", "-c",
        "i=0; while [ \"$i\" -lt \"$0\" ]; do i=$((i+1)); echo \"out-$i\"; echo \"err-$i\" >&2; done",
        Integer.toString(lines));
    List<LogTags.Tagged> tagged = finish(process);
    assertThat(tagged).allSatisfy(line -> assertThat(line.tagged()).as(line.line().text()).isTrue());
    List<String> expectedOut = new ArrayList<>();
    List<String> expectedErr = new ArrayList<>();
    for (int i = 1; i <= lines; i++) {
      expectedOut.add("out-" + i);
      expectedErr.add("err-" + i);
    }
    assertThat(tagged.stream().filter(l -> l.line().stream() == LogStream.STDOUT).map(l -> l.line().text()))
        .containsExactlyElementsOf(expectedOut);
    assertThat(tagged.stream().filter(l -> l.line().stream() == LogStream.STDERR).map(l -> l.line().text()))
        .containsExactlyElementsOf(expectedErr);
  }

  /** Busybox finds its own awk applet whatever the PATH, so this runs with the plain /bin/sh only. */
  @ParameterizedTest
  @ValueSource(strings = "/bin/sh")
  void withoutAwkTheOutputPassesUntaggedAndTheExitIsStillRecorded(String shell) throws Exception {
    Path bin = Files.createDirectories(state.resolveSibling(state.getFileName() + "-bin"));
    for (String tool : List.of("cat", "rm", "mv", "sleep", "setsid")) {
      for (String dir : List.of("/bin", "/usr/bin")) {
        Path source = Path.of(dir, tool);
        if (Files.isExecutable(source) && !Files.exists(bin.resolve(tool))) {
          Files.createSymbolicLink(bin.resolve(tool), source);
        }
      }
    }
    Process process = start(shell, Map.of("PATH", bin.toString()), "/bin/sh", "-c", "echo plain; exit 4");
    List<LogTags.Tagged> lines = finish(process);
    assertThat(file("exit")).isEqualTo("4");
    assertThat(lines).singleElement().satisfies(line -> {
      assertThat(line.tagged()).isFalse();
      assertThat(line.line().text()).isEqualTo("plain");
    });
    assertThat(state.resolve("count-O")).doesNotExist();
  }

  private static boolean running(String commandLine) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).anyMatch(p -> {
        try {
          return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ')
              .strip().equals(commandLine);
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException e) {
      return false;
    }
  }
}
