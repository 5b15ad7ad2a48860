package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.awaitLogs;
import static dev.berth.runtime.local.LocalTestSupport.awaitState;
import static dev.berth.runtime.local.LocalTestSupport.shBot;
import static dev.berth.runtime.local.LocalTestSupport.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log capture: the file format, rotation, partial and long lines, runs appending, raw-file space. */
class LocalLogsTest {
  private static final String SLEEP = "trap 'exit 0' TERM; while :; do sleep 1000 & wait $!; done";
  private static final String COUNT = "i=1; while [ \"$i\" -le \"$1\" ]; do echo \"line-$i\"; i=$((i+1)); done; ";

  @TempDir
  Path stateDir;
  LocalRuntime runtime;

  @BeforeEach
  void open() {
    runtime = LocalRuntime.builder().stateDir(stateDir).scope("logs").logMaxBytes(8 * 1024).logFiles(2).build();
  }

  @AfterEach
  void close() {
    LocalTestSupport.cleanUp(runtime);
  }

  private Path logs(String id) {
    return stateDir.resolve("logs/bots").resolve(id).resolve("logs");
  }

  @Test
  void outputLogHoldsOneTimestampedLinePerLine() throws IOException {
    runtime.create(shBot("format", "echo hello; echo oops >&2; echo 'a\rb'").build());
    Instant before = Instant.now();
    runtime.start("format");
    awaitState(runtime, "format", BotState.STOPPED);
    List<String> file = List.of(Files.readString(logs("format").resolve("output.log")).split("\n"));
    assertThat(file).hasSize(3);
    assertThat(file.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z O hello");
    assertThat(file).anyMatch(line -> line.endsWith(" E oops"));
    try (Stream<LogLine> lines = runtime.logs("format")) {
      List<LogLine> all = lines.collect(Collectors.toList());
      assertThat(all).extracting(LogLine::text).contains("hello", "oops", "a\rb");
      assertThat(all).allSatisfy(line -> assertThat(line.timestamp()).isBetween(before, Instant.now()));
      assertThat(all).filteredOn(line -> line.text().equals("oops")).extracting(LogLine::stream)
          .containsExactly(LogStream.STDERR);
    }
  }

  @Test
  void logsRotateAtTheSizeLimitKeepingTheConfiguredNumberOfFiles() throws IOException {
    runtime.create(shBot("rotate", COUNT + SLEEP, "3000").build());
    runtime.start("rotate");
    awaitLogs(runtime, "rotate", texts -> texts.contains("line-3000"));
    try (Stream<Path> files = Files.list(logs("rotate"))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("output.log")))
          .containsExactlyInAnyOrder("output.log", "output.log.1", "output.log.2");
    }
    for (String name : List.of("output.log", "output.log.1", "output.log.2")) {
      assertThat(Files.size(logs("rotate").resolve(name))).isLessThanOrEqualTo(8 * 1024);
    }
    List<String> kept = texts(runtime, "rotate");
    int first = Integer.parseInt(kept.get(0).substring("line-".length()));
    List<String> expected = new ArrayList<>();
    for (int i = first; i <= 3000; i++) {
      expected.add("line-" + i);
    }
    assertThat(kept).as("the retained window is contiguous and ends with the last line").isEqualTo(expected);
    assertThat(texts(runtime, "rotate", LogOptions.tail(2))).containsExactly("line-2999", "line-3000");
  }

  @Test
  void aLastLineWithoutNewlineAndOverlongLinesAreKept() {
    runtime.create(shBot("partial", "head -c 40000 /dev/zero | tr '\\0' x; echo; printf 'no-newline'").build());
    runtime.start("partial");
    awaitState(runtime, "partial", BotState.STOPPED);
    List<String> lines = texts(runtime, "partial");
    assertThat(lines).last().isEqualTo("no-newline");
    assertThat(lines.subList(0, lines.size() - 1)).as("a 40000-byte line split at 16 KiB")
        .extracting(String::length).containsExactly(16384, 16384, 40000 - 2 * 16384);
  }

  @Test
  void everyRunAppendsToTheSameLog() {
    runtime.create(shBot("runs", "echo \"run at $(date +%s%N)\"").build());
    runtime.start("runs");
    awaitState(runtime, "runs", BotState.STOPPED);
    runtime.start("runs");
    awaitLogs(runtime, "runs", texts -> texts.size() == 2);
    assertThat(runtime.status("runs").state()).isIn(BotState.RUNNING, BotState.STOPPED);
  }

  @Test
  void aFollowEndsWhenTheBotIsDeleted() throws Exception {
    runtime.create(shBot("deleted", "echo one; " + SLEEP).build());
    runtime.start("deleted");
    awaitLogs(runtime, "deleted", texts -> texts.contains("one"));
    List<String> seen = new ArrayList<>();
    Thread follower = new Thread(() -> {
      try (Stream<LogLine> lines = runtime.logs("deleted", LogOptions.following())) {
        lines.forEach(line -> seen.add(line.text()));
      }
    }, "test-follower");
    follower.start();
    runtime.delete("deleted");
    follower.join(Duration.ofSeconds(20).toMillis());
    assertThat(follower.isAlive()).isFalse();
    assertThat(seen).contains("one");
  }

  @Test
  void copiedRawOutputIsFreedWhileTheBotRuns() throws Exception {
    Path stat = Path.of("/usr/bin/stat");
    org.junit.jupiter.api.Assumptions.assumeTrue(Wrapper.findExecutable("fallocate").isPresent()
        && Files.isExecutable(stat), "needs fallocate and stat (util-linux, coreutils)");
    // About 3 MiB of output, then the bot idles: the copied part of run/stdout must not stay allocated.
    LocalRuntime big = LocalRuntime.builder().stateDir(stateDir).scope("big").logMaxBytes(1024 * 1024).build();
    try {
      big.create(shBot("big", "head -c 300000 /dev/zero | tr '\\0' '\\n' | sed 's/^/0123456789/'; echo end; "
          + SLEEP).build());
      big.start("big");
      org.awaitility.Awaitility.await().atMost(LocalTestSupport.WAIT)
          .until(() -> texts(big, "big", LogOptions.tail(1)), tail -> tail.equals(List.of("end")));
      assertAllocatedLessThanHalf(stateDir.resolve("big/bots/big/run/stdout"), stat);
    } finally {
      LocalTestSupport.cleanUp(big);
    }
  }

  private static void assertAllocatedLessThanHalf(Path raw, Path stat) throws IOException {
    Process process = new ProcessBuilder(stat.toString(), "-c", "%b %B %s", raw.toString()).start();
    String[] parts = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
    long allocated = Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    long size = Long.parseLong(parts[2]);
    assertThat(size).isGreaterThan(3_000_000L);
    assertThat(allocated).as("bytes still allocated of %d written", size).isLessThan(size / 2);
  }
}
