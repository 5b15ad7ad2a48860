package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy from raw output to output.log, including what a JVM crash in the middle of a copy leaves. */
class LogPumpTest {
  @TempDir
  Path root;

  private WorkloadDir run() throws IOException {
    WorkloadDir dir = new WorkloadDir(root.resolve("bot"));
    dir.prepareRun();
    return dir;
  }

  private static void write(Path raw, String text) throws IOException {
    Files.writeString(raw, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static List<String> texts(WorkloadDir dir) throws IOException {
    List<String> texts = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 9; i >= 1; i--) {
      Path rotated = dir.logsDir().resolve("output.log." + i);
      if (Files.exists(rotated)) {
        files.add(rotated);
      }
    }
    files.add(dir.logsDir().resolve("output.log"));
    for (Path file : files) {
      for (String line : Files.readString(file).split("\n")) {
        LogFormat.parse(line).ifPresent(parsed -> texts.add(parsed.text()));
      }
    }
    return texts;
  }

  private static List<String> numbered(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "line-" + i).collect(Collectors.toList());
  }

  private static String lines(int from, int to) {
    return numbered(from, to).stream().map(line -> line + "\n").collect(Collectors.joining());
  }

  @Test
  void copiesCompleteLinesAndFlushesTheLastOneAtTheEnd() throws IOException {
    WorkloadDir dir = run();
    LogPump pump = new LogPump(dir, 1 << 20, 2);
    write(dir.stdoutRaw(), "a\nb\npart");
    write(dir.stderrRaw(), "oops\n");
    assertThat(pump.drain(false)).isEqualTo(3);
    assertThat(pump.drain(false)).isZero();
    write(dir.stdoutRaw(), "ial\n");
    assertThat(pump.drain(false)).isEqualTo(1);
    write(dir.stdoutRaw(), "tail");
    assertThat(pump.drain(true)).isEqualTo(1);
    assertThat(texts(dir)).containsExactly("a", "b", "oops", "partial", "tail");
  }

  @Test
  void anAppendThatWasNeverRecordedIsCutOffAndCopiedOnce() throws IOException {
    WorkloadDir dir = run();
    write(dir.stdoutRaw(), lines(1, 5));
    new LogPump(dir, 1 << 20, 2).drain(false);
    // A JVM died after appending lines 6..8 (and half a line) but before recording the position.
    write(dir.stdoutRaw(), lines(6, 8));
    Path log = dir.logsDir().resolve("output.log");
    Files.writeString(log, LogFormat.format(java.time.Instant.now(), dev.berth.runtime.LogStream.STDOUT, "line-6")
        + LogFormat.format(java.time.Instant.now(), dev.berth.runtime.LogStream.STDOUT, "line-7") + "2026-11-23T",
        StandardOpenOption.APPEND);
    write(dir.stdoutRaw(), lines(9, 10));
    new LogPump(dir, 1 << 20, 2).drain(false); // the next JVM
    assertThat(texts(dir)).isEqualTo(numbered(1, 10));
  }

  @Test
  void aRotationThatWasNeverRecordedIsUndoneToo() throws IOException {
    WorkloadDir dir = run();
    write(dir.stdoutRaw(), lines(1, 3));
    new LogPump(dir, 4096, 2).drain(false);
    Path log = dir.logsDir().resolve("output.log");
    // A JVM rotated output.log and appended to a fresh one, then died before recording anything.
    Files.move(log, dir.logsDir().resolve("output.log.1"));
    Files.writeString(log, LogFormat.format(java.time.Instant.now(), dev.berth.runtime.LogStream.STDOUT, "line-4"));
    write(dir.stdoutRaw(), lines(4, 6));
    new LogPump(dir, 4096, 2).drain(false);
    assertThat(texts(dir)).isEqualTo(numbered(1, 6));
  }

  @Test
  void aNewRunStartsAtTheBeginningOfItsFiles() throws IOException {
    WorkloadDir dir = run();
    LogPump pump = new LogPump(dir, 1 << 20, 2);
    write(dir.stdoutRaw(), lines(1, 3));
    pump.drain(true);
    dir.prepareRun();
    write(dir.stdoutRaw(), "again\n");
    pump.drain(true);
    assertThat(texts(dir)).containsExactly("line-1", "line-2", "line-3", "again");
  }

  @Test
  void rotationKeepsTheConfiguredFilesAndLosesNothingInsideThem() throws IOException {
    WorkloadDir dir = run();
    LogPump pump = new LogPump(dir, 4096, 3);
    for (int batch = 0; batch < 20; batch++) {
      write(dir.stdoutRaw(), lines(batch * 50 + 1, batch * 50 + 50));
      pump.drain(false);
    }
    List<String> kept = texts(dir);
    int first = Integer.parseInt(kept.get(0).substring(5));
    assertThat(kept).isEqualTo(numbered(first, 1000));
    assertThat(Files.exists(dir.logsDir().resolve("output.log.3"))).isTrue();
    assertThat(Files.exists(dir.logsDir().resolve("output.log.4"))).isFalse();
    for (String name : List.of("output.log", "output.log.1", "output.log.2", "output.log.3")) {
      assertThat(Files.size(dir.logsDir().resolve(name))).isLessThanOrEqualTo(4096);
    }
  }

  @Test
  void aStepRotatesAtMostEightTimesAndCountsEveryLineTheLogReceived() throws IOException {
    WorkloadDir dir = run();
    LogPump pump = new LogPump(dir, 4096, 3);
    write(dir.stdoutRaw(), lines(1, 3000)); // about 32 files of 4 KiB
    List<Integer> linesPerStep = new java.util.ArrayList<>();
    LogPump.Drained step;
    do {
      long before = LogPosition.read(dir.logsDir()).lines;
      step = pump.drainStep(false);
      assertThat(LogPosition.read(dir.logsDir()).lines - before).as("lines counted by a step").isEqualTo(step.lines());
      linesPerStep.add(step.lines());
    } while (step.left());
    assertThat(linesPerStep.size()).as("steps for about 32 rotations of at most 8 each").isBetween(4, 6);
    assertThat(LogPosition.read(dir.logsDir()).lines).isEqualTo(3000);
    List<String> kept = texts(dir);
    assertThat(kept).isEqualTo(numbered(3001 - kept.size(), 3000));
  }

  @Test
  void aStepFindsLinesLongerThanTheRotationSize() throws IOException {
    WorkloadDir dir = run();
    LogPump pump = new LogPump(dir, 4096, 1);
    write(dir.stdoutRaw(), "x".repeat(40_000) + "\nend\n");
    int lines = 0;
    LogPump.Drained step;
    do {
      step = pump.drainStep(false);
      lines += step.lines();
    } while (step.left() && step.lines() > 0);
    assertThat(lines).as("a 40000-byte line split at 16 KiB, and 'end'").isEqualTo(4);
    assertThat(step.left()).isFalse();
  }
}
