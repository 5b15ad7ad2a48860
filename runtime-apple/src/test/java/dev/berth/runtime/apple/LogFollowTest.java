package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A follow against a scripted log: the complete log a read returns, and what the CLI's {@code logs -f} child
 * prints (a real process printing fixed text), so the CLI's gaps, repeats and split lines can be staged.
 */
class LogFollowTest {
  private final List<LogFollow> follows = new CopyOnWriteArrayList<>();

  /** A container's log as the follow sees it; nothing here calls a CLI. */
  static final class ScriptedLog extends ContainerLogs {
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    volatile String childOutput = "";
    volatile boolean exited;
    volatile boolean active = true;
    volatile long run = 1;
    volatile OptionalLong out = OptionalLong.empty();
    volatile OptionalLong err = OptionalLong.empty();
    /** Runs before each complete read, e.g. to write a line late. */
    volatile Runnable beforeRead = () -> { };

    ScriptedLog() {
      super(null, null, "bot", "berth-x-bot", java.util.Optional.empty());
    }

    @Override
    boolean started() {
      return true;
    }

    @Override
    Instant fallback() {
      return Instant.EPOCH;
    }

    @Override
    List<LogTags.Tagged> readAll() {
      beforeRead.run();
      synchronized (log) {
        return LogTags.parseAll(String.join("\n", log), fallback());
      }
    }

    @Override
    Process follow() {
      try {
        return new ProcessBuilder("sh", "-c", "printf '%s' \"$1\"; exec sleep 60", "sh", childOutput).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    boolean exitRecorded() {
      return exited;
    }

    @Override
    boolean active() {
      return active;
    }

    @Override
    long currentRun() {
      return run;
    }

    @Override
    OptionalLong count(LogStream stream) {
      return stream == LogStream.STDOUT ? out : err;
    }
  }

  private LogFollow follow(ScriptedLog log, LogOptions options) {
    LogFollow follow = new LogFollow(log, options, f -> { });
    follows.add(follow);
    return follow;
  }

  @AfterEach
  void closeFollows() {
    follows.forEach(LogFollow::close);
  }

  private static String tag(long seq, String stream, String text) {
    return "1767261600 1" + stream + seq + " " + text;
  }

  /** Reads {@code n} lines on this thread, failing if they take more than 20 s. */
  private static List<String> take(LogFollow follow, int n) {
    List<String> texts = new ArrayList<>();
    AtomicBoolean timedOut = new AtomicBoolean();
    CompletableFuture<Void> guard = CompletableFuture.runAsync(() -> {
      timedOut.set(true);
      follow.close();
    }, CompletableFuture.delayedExecutor(20, TimeUnit.SECONDS));
    while (texts.size() < n && follow.hasNext()) {
      texts.add(follow.next().text());
    }
    guard.cancel(false);
    assertThat(timedOut).as("took longer than 20 s").isFalse();
    return texts;
  }

  @Test
  void linesTheCliSkippedAreFilledAndLinesItRepeatsAreDroppedInOrder() {
    ScriptedLog log = new ScriptedLog();
    log.log.addAll(List.of(tag(1, "O", "a"), tag(2, "O", "b")));
    // the CLI's follow repeats b, then skips c and d (written between the complete read and its start)
    log.childOutput = tag(2, "O", "b") + "\n" + tag(5, "O", "e") + "\n";
    LogFollow follow = follow(log, LogOptions.following());
    log.log.addAll(List.of(tag(3, "O", "c"), tag(1, "E", "oops"), tag(4, "O", "d"), tag(5, "O", "e")));
    assertThat(take(follow, 6)).containsExactly("a", "b", "c", "oops", "d", "e");
  }

  @Test
  void whenTheRunEndsTheFollowDeliversEveryCountedLineThenEnds() {
    ScriptedLog log = new ScriptedLog();
    log.childOutput = tag(1, "O", "one") + "\n";
    LogFollow follow = follow(log, LogOptions.following());
    assertThat(take(follow, 1)).containsExactly("one");
    log.log.addAll(List.of(tag(1, "O", "one"), tag(2, "O", "two")));
    log.exited = true;
    log.out = OptionalLong.of(3);
    log.err = OptionalLong.of(0);
    // the last line reaches the log after the exit was recorded: only the second complete read sees it
    AtomicInteger reads = new AtomicInteger();
    log.beforeRead = () -> {
      if (reads.incrementAndGet() == 2) {
        log.log.add(tag(3, "O", "three"));
      }
    };
    follow.finish();
    List<String> rest = new ArrayList<>();
    follow.forEachRemaining(line -> rest.add(line.text()));
    assertThat(rest).containsExactly("two", "three");
  }

  @Test
  void aLineTheCliSplitIsJoined() {
    ScriptedLog log = new ScriptedLog();
    log.childOutput = tag(1, "O", "hel") + "\nlo\n" + tag(2, "O", "next") + "\n";
    LogFollow follow = follow(log, LogOptions.following());
    assertThat(take(follow, 2)).containsExactly("hello", "next");
  }

  @Test
  void linesGoneFromTheLogAreMarkedNeverSilentlySkipped() {
    ScriptedLog log = new ScriptedLog();
    log.log.addAll(List.of(tag(1, "O", "a"), tag(2, "O", "b"), tag(5, "O", "e")));
    log.childOutput = "";
    LogFollow follow = follow(log, LogOptions.following());
    assertThat(take(follow, 3)).containsExactly("a", "b", "e"); // a complete read is what the log holds
    ScriptedLog gone = new ScriptedLog();
    gone.log.addAll(List.of(tag(1, "O", "a")));
    gone.childOutput = tag(4, "O", "d") + "\n";
    LogFollow second = follow(gone, LogOptions.following());
    assertThat(take(second, 3)).containsExactly("a", "[berth: 2 lines of log dropped]", "d");
  }

  @Test
  void closingFromAnotherThreadEndsABlockedFollow() {
    ScriptedLog log = new ScriptedLog();
    LogFollow follow = follow(log, LogOptions.following());
    AtomicBoolean ended = new AtomicBoolean();
    Thread consumer = new Thread(() -> {
      follow.forEachRemaining(line -> { });
      ended.set(true);
    });
    consumer.start();
    follow.close();
    await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
  }

  @Test
  void aStoppedContainerIsReadOnceAndTheFollowEnds() {
    ScriptedLog log = new ScriptedLog();
    log.active = false;
    log.log.addAll(List.of("plain 1", "plain 2"));
    LogFollow follow = follow(log, LogOptions.following());
    List<LogLine> lines = new ArrayList<>();
    follow.forEachRemaining(lines::add);
    assertThat(lines).extracting(LogLine::text).containsExactly("plain 1", "plain 2");
    assertThat(lines).allSatisfy(line -> assertThat(line.timestamp()).isEqualTo(Instant.EPOCH));
  }

  @Test
  void theOptionsSelectStreamsTimeAndTail() {
    ScriptedLog log = new ScriptedLog();
    log.active = false;
    log.log.addAll(List.of("1767261600 1O1 a", "1767261601 1E1 x", "1767261602 1O2 b", "1767261603 1O3 c"));
    List<String> texts = new ArrayList<>();
    follow(log, LogOptions.builder().follow(true).stdoutOnly().tail(2).build())
        .forEachRemaining(line -> texts.add(line.text()));
    assertThat(texts).containsExactly("b", "c");
    texts.clear();
    follow(log, LogOptions.builder().follow(true).since(Instant.ofEpochSecond(1767261601)).build())
        .forEachRemaining(line -> texts.add(line.text()));
    assertThat(texts).containsExactly("x", "b", "c");
  }

  @Test
  void theCursorTellsNewRepeatedAndMissingLinesApart() {
    LogTags.Cursor cursor = new LogTags.Cursor();
    assertThat(cursor.offer(LogTags.parse(tag(1, "O", "a"), Instant.EPOCH))).isEqualTo(LogTags.Cursor.Verdict.NEW);
    assertThat(cursor.offer(LogTags.parse(tag(1, "O", "a"), Instant.EPOCH))).isEqualTo(LogTags.Cursor.Verdict.SEEN);
    assertThat(cursor.offer(LogTags.parse(tag(3, "O", "c"), Instant.EPOCH))).isEqualTo(LogTags.Cursor.Verdict.GAP);
    assertThat(cursor.offer(LogTags.parse(tag(1, "E", "e"), Instant.EPOCH))).isEqualTo(LogTags.Cursor.Verdict.NEW);
    assertThat(cursor.offer(LogTags.parse("2 1O1 next run", Instant.EPOCH))).isEqualTo(LogTags.Cursor.Verdict.SEEN);
    assertThat(cursor.offer(LogTags.parse("2 2O1 next run", Instant.EPOCH))).isEqualTo(LogTags.Cursor.Verdict.NEW);
    assertThat(cursor.highest(1, LogStream.STDOUT)).isEqualTo(1);
  }

  @Test
  void tagsAreParsedAndUntaggedLinesKeptWhole() {
    LogTags.Tagged tagged = LogTags.parse("1767261600 12E34 text with  spaces\r", Instant.EPOCH);
    assertThat(tagged.line()).isEqualTo(LogLine.stderr(Instant.ofEpochSecond(1767261600), "text with  spaces"));
    assertThat(tagged.run()).isEqualTo(12);
    assertThat(tagged.seq()).isEqualTo(34);
    assertThat(LogTags.parse("1767261600 1O1 ", Instant.EPOCH).line().text()).isEmpty();
    assertThat(LogTags.parse("hello 1O1 x", Instant.EPOCH).tagged()).isFalse();
    assertThat(LogTags.parseAll("a\n\nb\n", Instant.EPOCH)).extracting(t -> t.line().text()).containsExactly("a", "b");
  }
}
