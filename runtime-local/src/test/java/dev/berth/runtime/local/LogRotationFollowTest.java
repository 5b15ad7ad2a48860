package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.shBot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast writer, a small rotation size, a fast and a slow follower: each follower gets every line exactly
 * once and in order, except where rotation deleted lines before it read them; there it gets one gap marker
 * saying exactly how many lines are missing. Never a silent hole.
 */
class LogRotationFollowTest {
  private static final int LINES = 200_000;
  /** Where the slow follower pauses until the fast one has read everything. */
  private static final int SLOW_PAUSE_AT = 1000;
  private static final Pattern MARKER = Pattern.compile("\\[berth: (\\d+) lines? of log dropped by rotation\\]");

  @TempDir
  Path stateDir;
  LocalRuntime runtime;

  @BeforeEach
  void open() {
    runtime = open(3);
  }

  private LocalRuntime open(int logFiles) {
    return LocalRuntime.builder().stateDir(stateDir).scope("rotation-" + logFiles).logMaxBytes(64 * 1024)
        .logFiles(logFiles).build();
  }

  @AfterEach
  void close() {
    LocalTestSupport.cleanUp(runtime);
  }

  @Test
  void followersOfAFastWriterGetEveryLineOnceOrAGapMarkerCountingExactlyTheMissingOnes() throws Exception {
    Path go = stateDir.resolve("go");
    createWriter(runtime, LINES, go);
    AtomicLong fastProgress = new AtomicLong();
    AtomicBoolean fastDone = new AtomicBoolean();
    CompletableFuture<List<LogLine>> fast = follow(runtime, "test-fast-follower", line -> {
      fastProgress.set(progressAfter(line, fastProgress.get()));
    }, () -> fastDone.set(true));
    AtomicLong slowProgress = new AtomicLong();
    AtomicBoolean paused = new AtomicBoolean();
    CompletableFuture<List<LogLine>> slow = follow(runtime, "test-slow-follower", line -> {
      long progress = progressAfter(line, slowProgress.get());
      slowProgress.set(progress);
      if (progress >= SLOW_PAUSE_AT && paused.compareAndSet(false, true)) {
        // Stop reading until the fast follower has read everything: far more than this follower may keep open.
        await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(5)).until(fastDone::get);
      }
    }, () -> { });
    Files.createFile(go); // both follows are open: the bot writes now

    Accounting fastAccount = account(fast.get(120, TimeUnit.SECONDS));
    Accounting slowAccount = account(slow.get(120, TimeUnit.SECONDS));
    assertThat(runtime.status("fast").state()).isEqualTo(BotState.STOPPED);
    fastAccount.assertComplete("the fast follower", LINES);
    slowAccount.assertComplete("the slow follower", LINES);
    assertThat(slowAccount.markers).as("gap markers the slow follower got (it paused after line %d until the end, "
        + "longer than the rotated files it may keep open)", SLOW_PAUSE_AT).isPositive();
  }

  @Test
  void withoutRotatedFilesAFollowerStillReadsTheFileRotationDeletesUnderIt() throws Exception {
    LocalRuntime noRotatedFiles = open(0);
    try {
      Path go = stateDir.resolve("go-0");
      createWriter(noRotatedFiles, 30_000, go);
      CompletableFuture<List<LogLine>> follower = follow(noRotatedFiles, "test-follower", line -> { }, () -> { });
      Files.createFile(go);
      Accounting accounting = account(follower.get(120, TimeUnit.SECONDS));
      accounting.assertComplete("the follower", 30_000);
      assertThat(accounting.markers).as("gap markers of a follower that keeps up (%s)", accounting).isZero();
    } finally {
      LocalTestSupport.cleanUp(noRotatedFiles);
    }
  }

  /** A bot "fast" that waits for {@code go} to exist, then prints line-1..line-n as fast as it can and exits. */
  private static void createWriter(LocalRuntime runtime, int lines, Path go) {
    runtime.create(shBot("fast", "while [ ! -e \"$2\" ]; do sleep 0.02; done; "
        + "i=1; while [ \"$i\" -le \"$1\" ]; do echo \"line-$i\"; i=$((i+1)); done", Integer.toString(lines),
        go.toString()).build());
    runtime.start("fast");
  }

  /** The number of lines accounted for after {@code line}: its own number, or the lines a marker skips. */
  private static long progressAfter(LogLine line, long before) {
    Matcher marker = MARKER.matcher(line.text());
    if (marker.matches()) {
      return before + Long.parseLong(marker.group(1));
    }
    return line.text().startsWith("line-") ? Long.parseLong(line.text().substring(5)) : before;
  }

  /** Opens a follow on this thread (so it has begun when this returns) and consumes it on a new one. */
  private static CompletableFuture<List<LogLine>> follow(LocalRuntime runtime, String name,
      java.util.function.Consumer<LogLine> onLine, Runnable onEnd) {
    Stream<LogLine> lines = runtime.logs("fast", LogOptions.following());
    CompletableFuture<List<LogLine>> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      List<LogLine> received = new ArrayList<>();
      try (lines) {
        lines.forEach(line -> {
          received.add(line);
          onLine.accept(line);
        });
        result.complete(received);
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      } finally {
        onEnd.run();
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  /** What a follower received: lines in order, and markers each covering exactly the lines it stands for. */
  private static Accounting account(List<LogLine> received) {
    Accounting accounting = new Accounting();
    long expected = 1;
    boolean afterMarker = false;
    for (LogLine line : received) {
      Matcher marker = MARKER.matcher(line.text());
      if (marker.matches()) {
        assertThat(line.stream()).as("stream of the gap marker").isEqualTo(LogStream.STDERR);
        assertThat(afterMarker).as("one marker per gap, at line %d", expected).isFalse();
        long dropped = Long.parseLong(marker.group(1));
        accounting.markers++;
        accounting.dropped += dropped;
        expected += dropped;
        afterMarker = true;
        continue;
      }
      if (!line.text().equals("line-" + expected)) {
        accounting.problems.add("expected line-" + expected + " but got " + line.text());
        if (line.text().startsWith("line-")) {
          expected = Long.parseLong(line.text().substring(5));
        }
      }
      accounting.delivered++;
      expected++;
      afterMarker = false;
    }
    accounting.end = expected;
    return accounting;
  }

  private static final class Accounting {
    long delivered;
    long dropped;
    int markers;
    long end;
    final List<String> problems = new ArrayList<>();

    void assertComplete(String who, int lines) {
      assertThat(problems).as("silent holes or reordering seen by %s (%s)", who, this).isEmpty();
      assertThat(end - 1).as("lines accounted for by %s (%s)", who, this).isEqualTo(lines);
      assertThat(delivered + dropped).as("lines delivered plus lines marked as dropped for %s", who).isEqualTo(lines);
    }

    @Override
    public String toString() {
      return delivered + " delivered, " + dropped + " marked dropped in " + markers + " markers, "
          + problems.size() + " silent holes, last " + (end - 1);
    }
  }
}
