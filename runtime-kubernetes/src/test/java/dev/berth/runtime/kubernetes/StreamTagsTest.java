package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.RestartPolicy;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stream-marking script, run directly by the shells images carry ({@code dash} as Debian's {@code /bin/sh},
 * busybox {@code ash}), with its FIFO directory moved from {@value StreamTags#RUN_DIR} to a temporary one.
 */
class StreamTagsTest {
  @TempDir
  Path run;

  static Stream<String> shells() {
    return Stream.of("/bin/sh", "/bin/busybox").filter(shell -> Files.isExecutable(Path.of(shell)));
  }

  /** What the wrapper printed on its stdout and stderr, and its exit code. */
  record Outcome(int exit, List<LogLine> out, List<LogLine> err) {
    List<String> texts(List<LogLine> lines, LogStream stream) {
      return lines.stream().filter(l -> l.stream() == stream).map(LogLine::text).toList();
    }
  }

  private Process start(String shell, Path runDir, String... program) throws IOException {
    return startWithPolicy(shell, runDir, StreamTags.RUN_ALWAYS, program);
  }

  private Process startWithPolicy(String shell, Path runDir, String restartPolicy, String... program)
      throws IOException {
    List<String> argv = new ArrayList<>(shell.endsWith("busybox") ? List.of(shell, "sh") : List.of(shell));
    List<String> wrapped = StreamTags.wrap(List.of(program), restartPolicy);
    argv.add("-c");
    argv.add(wrapped.get(2).replace(StreamTags.RUN_DIR, runDir.toString()));
    argv.addAll(wrapped.subList(3, wrapped.size()));
    return new ProcessBuilder(argv).start();
  }

  private static CompletableFuture<List<LogLine>> lines(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return text.isEmpty() ? List.<LogLine>of()
            : text.lines().map(line -> StreamTags.line(Instant.EPOCH, line)).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static Outcome finish(Process process) throws Exception {
    CompletableFuture<List<LogLine>> out = lines(process.getInputStream());
    CompletableFuture<List<LogLine>> err = lines(process.getErrorStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the wrapper ended").isTrue();
    return new Outcome(process.exitValue(), out.get(60, TimeUnit.SECONDS), err.get(60, TimeUnit.SECONDS));
  }

  @ParameterizedTest
  @MethodSource("shells")
  void marksEveryStderrLineAndKeepsTheExitCode(String shell) throws Exception {
    Outcome outcome = finish(start(shell, run, "/bin/sh", "-c",
        "echo a; echo b >&2; echo; printf 'no newline'; printf 'last error' >&2; exit 3"));
    assertThat(outcome.exit()).isEqualTo(3);
    assertThat(outcome.texts(outcome.out(), LogStream.STDOUT)).containsExactly("a", "", "no newline");
    assertThat(outcome.out()).allSatisfy(line -> assertThat(line.stream()).isEqualTo(LogStream.STDOUT));
    assertThat(outcome.err()).allSatisfy(line -> assertThat(line.stream()).isEqualTo(LogStream.STDERR));
    assertThat(outcome.texts(outcome.err(), LogStream.STDERR)).containsExactly("b", "last error");
    try (Stream<Path> left = Files.list(run)) {
      assertThat(left).as("FIFO, pid and exit files removed").isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("shells")
  void aMissingProgramExits127WithItsNameOnStderr(String shell) throws Exception {
    Outcome outcome = finish(start(shell, run, "berth-no-such-program-42", "arg"));
    assertThat(outcome.exit()).isEqualTo(127);
    assertThat(outcome.texts(outcome.err(), LogStream.STDERR))
        .anySatisfy(text -> assertThat(text).contains("berth-no-such-program-42"));
  }

  @ParameterizedTest
  @MethodSource("shells")
  void sigtermReachesTheProgramWhoseOwnExitCodeIsKept(String shell) throws Exception {
    Process process = start(shell, run, "/bin/sh", "-c",
        "trap 'kill $!; echo stopping >&2; exit 7' TERM; echo up; while true; do sleep 1000 & wait $!; done");
    java.io.BufferedReader stdout = new java.io.BufferedReader(new java.io.InputStreamReader(
        process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<List<LogLine>> err = lines(process.getErrorStream());
    assertThat(stdout.readLine()).as("the program runs, its trap set").isEqualTo("up");
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the wrapper ended after SIGTERM").isTrue();
    assertThat(process.exitValue()).as("the program's exit code, not the signal's").isEqualTo(7);
    assertThat(stdout.readLine()).as("nothing more on stdout").isNull();
    assertThat(err.get(30, TimeUnit.SECONDS)).singleElement().satisfies(line -> {
      assertThat(line.stream()).isEqualTo(LogStream.STDERR);
      assertThat(line.text()).isEqualTo("stopping");
    });
  }

  /** The engine keeps the two streams apart; a fast writer on both must still get every line, marked right. */
  @ParameterizedTest
  @MethodSource("shells")
  void aFastWriterOnBothStreamsLosesAndMisplacesNothing(String shell) throws Exception {
    int count = 5000;
    Outcome outcome = finish(start(shell, run, "/bin/sh", "-c",
        "i=0; while [ \"$i\" -lt \"$0\" ]; do i=$((i+1)); echo \"out-$i\"; echo \"err-$i\" >&2; done",
        Integer.toString(count)));
    List<String> out = new ArrayList<>();
    List<String> err = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add("out-" + i);
      err.add("err-" + i);
    }
    assertThat(outcome.exit()).isZero();
    assertThat(outcome.texts(outcome.out(), LogStream.STDOUT)).containsExactlyElementsOf(out);
    assertThat(outcome.texts(outcome.err(), LogStream.STDERR)).containsExactlyElementsOf(err);
  }

  /** No FIFO can be made (no writable directory): the program still runs, its output unmarked. */
  @Test
  void withoutItsDirectoryTheProgramRunsUnmarked() throws Exception {
    Outcome outcome = finish(start("/bin/sh", run.resolve("missing"), "/bin/sh", "-c",
        "echo out; echo err >&2; exit 5"));
    assertThat(outcome.exit()).isEqualTo(5);
    assertThat(outcome.out()).extracting(LogLine::text).containsExactly("out");
    assertThat(outcome.err()).singleElement().satisfies(line -> {
      assertThat(line.stream()).isEqualTo(LogStream.STDOUT);
      assertThat(line.text()).isEqualTo("err");
    });
  }

  /**
   * The pod's container restarts whatever the policy; the script runs the program again only while the policy
   * allows another run, counted in the run directory, which outlives the container as the pod's emptyDir does.
   * Otherwise it waits, running nothing, and a SIGTERM ends it with the last run's exit code.
   */
  @ParameterizedTest
  @MethodSource("shells")
  void runsTheProgramAgainOnlyWhileTheRestartPolicyAllows(String shell) throws Exception {
    String failing = "echo ran; exit 3";
    assertThat(runs(shell, "never", failing, 3)).as("never: one run, then waits").containsExactly(true, false, false);
    assertThat(runs(shell, "on-failure:2", failing, 5)).as("on-failure:2 after failures: the run and 2 restarts")
        .containsExactly(true, true, true, false, false);
    assertThat(runs(shell, "on-failure:5", "echo ran; exit 0", 2)).as("on-failure after a success: no more runs")
        .containsExactly(true, false);
    assertThat(runs(shell, "on-failure:0", failing, 4)).as("on-failure without a limit: every time")
        .containsExactly(true, true, true, true);
    assertThat(runs(shell, StreamTags.RUN_ALWAYS, failing, 3)).as("always: every time").containsExactly(true, true,
        true);
  }

  /**
   * Starts the wrapper {@code times} times on one run directory: whether each start ran the program. A start that
   * does not run it must wait until SIGTERM and then exit with the last run's code.
   */
  private List<Boolean> runs(String shell, String policy, String script, int times) throws Exception {
    Path dir = Files.createTempDirectory(run, "pod-");
    List<Boolean> ran = new ArrayList<>();
    Integer runExit = null;
    for (int i = 0; i < times; i++) {
      Process process = startWithPolicy(shell, dir, policy, "/bin/sh", "-c", script);
      boolean waits = !process.waitFor(1_500, TimeUnit.MILLISECONDS);
      if (waits) { // SIGTERM, leaving its output open to read (Process.destroy would close it)
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
      }
      Outcome outcome = finish(process);
      boolean programRan = outcome.texts(outcome.out(), LogStream.STDOUT).contains("ran");
      assertThat(waits).as("start %d under %s: waits exactly when it does not run the program", i + 1, policy)
          .isEqualTo(!programRan);
      runExit = programRan ? Integer.valueOf(outcome.exit()) : runExit;
      assertThat(outcome.exit()).as("start %d under %s: the exit code of the last run", i + 1, policy)
          .isEqualTo(runExit);
      ran.add(programRan);
    }
    return ran;
  }

  /** A container waiting after the last run is a restart to the kubelet, not to the bot. */
  @Test
  void aContainerWaitingAfterTheLastRunIsTheRunsExit() {
    assertThat(StatusMapper.waitsAfterLastRun(waitingAfter(1, 3), RestartPolicy.NEVER)).isTrue();
    assertThat(StatusMapper.waitsAfterLastRun(waitingAfter(1, 3), RestartPolicy.ALWAYS)).isFalse();
    assertThat(StatusMapper.waitsAfterLastRun(waitingAfter(2, 3), RestartPolicy.onFailure(2)))
        .as("the third run, after two restarts, is allowed").isFalse();
    assertThat(StatusMapper.waitsAfterLastRun(waitingAfter(3, 3), RestartPolicy.onFailure(2))).isTrue();
    assertThat(StatusMapper.waitsAfterLastRun(waitingAfter(1, 0), RestartPolicy.onFailure(2)))
        .as("after a success").isTrue();
    assertThat(StatusMapper.waitsAfterLastRun(waitingAfter(0, 3), RestartPolicy.NEVER)).as("never restarted")
        .isFalse();
  }

  private static V1ContainerStatus waitingAfter(int restartCount, int exitCode) {
    return new V1ContainerStatus().name("bot").restartCount(restartCount)
        .state(new V1ContainerState().running(new V1ContainerStateRunning()))
        .lastState(new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(exitCode)));
  }

  @Test
  void anEmptyCommandKeepsTheImagesOwn() {
    assertThat(StreamTags.wrap(List.of(), "never")).isEmpty();
    assertThat(StreamTags.wrap(List.of("python", "bot.py"), "never")).startsWith("/bin/sh", "-c").endsWith(
        StreamTags.NAME, "never", "python", "bot.py");
  }

  /** A status names the program that was not found, not the wrappers it runs under. */
  @Test
  void theProgramOfAWrappedCommandIsTheWorkloadsOwn() {
    assertThat(StatusMapper.program(StreamTags.wrap(List.of("trade-bot", "--live"), "never"))).contains("trade-bot");
    assertThat(StatusMapper.program(JobManifests.wrapped(List.of("backtest.sh", "x")))).contains("backtest.sh");
    assertThat(StatusMapper.program(List.of("python3", "bot.py"))).contains("python3");
    assertThat(StatusMapper.program(List.of())).isEmpty();
  }

  @Test
  void aMarkedTextIsAStderrLineWithoutItsMark() {
    assertThat(StreamTags.line(Instant.EPOCH, StreamTags.MARK + "oops")).isEqualTo(
        LogLine.stderr(Instant.EPOCH, "oops"));
    assertThat(StreamTags.line(Instant.EPOCH, "fine")).isEqualTo(LogLine.stdout(Instant.EPOCH, "fine"));
    assertThat(StreamTags.line(Instant.EPOCH, "")).isEqualTo(LogLine.stdout(Instant.EPOCH, ""));
    assertThat(PodLogs.parse("2026-12-02T08:00:00.5Z " + StreamTags.MARK + "warn")).isEqualTo(
        LogLine.stderr(Instant.parse("2026-12-02T08:00:00.5Z"), "warn"));
  }
}
