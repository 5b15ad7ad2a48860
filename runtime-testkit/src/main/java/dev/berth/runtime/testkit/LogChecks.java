package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.numbered;
import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;

/** Log rules of DESIGN §2: streams, tail, since, follow ending and the last lines of a run. */
final class LogChecks {
  private final RuntimeKitSession kit;

  LogChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  private List<LogLine> startPrinting(String id, int lines) {
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, lines));
    String last = "line-" + lines;
    return kit.awaitLogs(id, LogOptions.DEFAULT, "show " + last + " and err-1",
        texts -> texts.contains(last) && texts.contains("err-1"));
  }

  void logsHaveBothStreamsWithTimestamps() {
    Instant before = Instant.now().minus(Duration.ofMinutes(5));
    String id = kit.id("logs");
    List<LogLine> lines = startPrinting(id, 3);
    assertThat(texts(only(lines, LogStream.STDOUT))).as("stdout lines of the bot, in order")
        .containsExactly("line-1", "line-2", "line-3");
    assertThat(texts(only(lines, LogStream.STDERR))).as("stderr lines of the bot").containsExactly("err-1");
    Instant after = Instant.now().plus(Duration.ofMinutes(5));
    assertThat(lines).allSatisfy(line -> assertThat(line.timestamp()).as("timestamp of %s", line)
        .isBetween(before, after));
    List<Instant> stamps = only(lines, LogStream.STDOUT).stream().map(LogLine::timestamp).collect(Collectors.toList());
    assertThat(stamps).as("timestamps of consecutive stdout lines").isSortedAccordingTo(Comparator.naturalOrder());
  }

  void logsSelectStreams() {
    String id = kit.id("streams");
    startPrinting(id, 3);
    assertThat(texts(kit.logs(id, LogOptions.builder().stdoutOnly().build()))).as("logs with stdoutOnly()")
        .containsExactly("line-1", "line-2", "line-3");
    assertThat(texts(kit.logs(id, LogOptions.builder().stderrOnly().build()))).as("logs with stderrOnly()")
        .containsExactly("err-1");
  }

  void logsTail() {
    String id = kit.id("tail");
    startPrinting(id, 5);
    assertThat(texts(kit.logs(id, LogOptions.builder().stdoutOnly().tail(2).build())))
        .as("the last 2 stdout lines (tail counts the selected stream only)").containsExactly("line-4", "line-5");
    assertThat(kit.logs(id, LogOptions.tail(0))).as("logs with tail(0)").isEmpty();
    assertThat(texts(kit.logs(id, LogOptions.builder().stdoutOnly().tail(100).build())))
        .as("tail larger than the log").containsExactlyElementsOf(numbered("line", 5));
  }

  void logsSince() {
    String id = kit.id("since");
    List<LogLine> lines = startPrinting(id, 3);
    Instant first = lines.stream().map(LogLine::timestamp).min(Comparator.naturalOrder()).orElseThrow();
    Instant last = lines.stream().map(LogLine::timestamp).max(Comparator.naturalOrder()).orElseThrow();
    assertThat(texts(kit.logs(id, LogOptions.builder().since(first).build())))
        .as("logs since the first line's timestamp (inclusive)")
        .containsExactlyInAnyOrder("line-1", "line-2", "line-3", "err-1");
    assertThat(kit.logs(id, LogOptions.builder().since(last.plusMillis(1)).build()))
        .as("logs since 1 ms after the last line's timestamp %s", last).isEmpty();
  }

  void logsOfANeverStartedBotAreEmpty() {
    String id = kit.id("no-logs");
    kit.create(kit.workloads.printLinesThenSleep(id, 3));
    assertThat(kit.logs(id, LogOptions.DEFAULT)).as("logs of a bot that never ran").isEmpty();
    try (Follower follower = kit.follow(id, LogOptions.following())) {
      assertThat(follower.endsWithin(kit.timeouts.await())).as("a follow of a bot that is not running ends")
          .isTrue();
      assertThat(follower.lines()).as("lines followed from a bot that never ran").isEmpty();
    }
  }

  void followDeliversEveryLineOfAFinishedRun() {
    String id = kit.id("last-lines");
    int count = 500;
    kit.createAndStart(kit.workloads.printLinesThenExit(id, count, 0));
    try (Follower follower = kit.follow(id, LogOptions.builder().follow(true).stdoutOnly().build())) {
      assertThat(follower.endsWithin(kit.timeouts.await()))
          .as("the follow ended on its own after the bot exited (got %d lines)", follower.lines().size()).isTrue();
      assertThat(follower.failure()).as("exception the follow ended with").isNull();
      assertThat(texts(follower.lines())).as("every line of a run that ended, in order, none twice")
          .containsExactlyElementsOf(numbered("line", count));
    }
  }

  /**
   * {@code followers} follows of a bot printing numbered lines as fast as it can, opened right after start
   * or once it has run for a second (a late follower is where engines drop the tail): each gets every line
   * exactly once, in order, and ends on its own after the bot exited.
   */
  void followersOfAFastWriterGetEveryLineOnce(int followers, boolean late) {
    followersOfAFastWriterGetEveryLineOnce(followers, late, kit.timeouts.fastWriterLines());
  }

  void followersOfAFastWriterGetEveryLineOnce(int followers, boolean late, int count) {
    String id = kit.id(late ? "fast-late" : "fast-writer");
    Duration limit = kit.timeouts.fastWriterRun();
    kit.createAndStart(kit.workloads.printNumberedLines(id, count));
    if (late) {
      long attachAt = System.nanoTime() + kit.timeouts.lateAttach().toNanos();
      Await.until(kit.timeouts, "the fast writer '" + id + "' to have run for " + late(),
          () -> System.nanoTime() - attachAt >= 0);
    }
    List<NumberedFollower> all = new ArrayList<>();
    try {
      for (int i = 0; i < followers; i++) {
        all.add(NumberedFollower.start(kit.runtime(), id, count));
      }
      Await.until(limit, kit.timeouts.pollInterval(), "the fast writer '" + id + "' to print " + count
          + " lines and exit", () -> kit.status(id), status -> !status.isRunning());
      long deadline = System.nanoTime() + limit.toNanos();
      SoftAssertions softly = new SoftAssertions();
      for (int i = 0; i < all.size(); i++) {
        NumberedFollower follower = all.get(i);
        boolean ended = follower.endsWithin(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        softly.assertThat(ended && follower.deliveredEveryLineOnce())
            .as("follower %d of %d, attached %s: every line 1..%d exactly once, in order, then the end of the "
                + "stream (it got %s)", i + 1, followers, late ? late() + " after start" : "right after start", count,
                follower.report())
            .isTrue();
      }
      softly.assertAll();
      assertThat(kit.status(id).state()).as("state of the fast writer after it printed its lines and exited 0")
          .isEqualTo(BotState.STOPPED);
    } finally {
      all.forEach(follower -> follower.close(kit.timeouts.await()));
    }
  }

  private String late() {
    return kit.timeouts.lateAttach().toMillis() + " ms";
  }

  void followEndsWhenTheBotStops() {
    String id = kit.id("follow-stop");
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, 2));
    try (Follower follower = kit.follow(id, LogOptions.following())) {
      follower.awaitLines("line-2 to arrive", lines -> texts(lines).contains("line-2"));
      kit.runtime().stop(id, kit.timeouts.quickStopGrace());
      assertThat(follower.endsWithin(kit.timeouts.await())).as("the follow ended after stop").isTrue();
      assertThat(texts(follower.lines())).as("lines followed").contains("line-1", "line-2");
    }
  }

  void followEndsWhenTheStreamIsClosed() {
    String id = kit.id("follow-close");
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, 1));
    try (Follower follower = kit.follow(id, LogOptions.following())) {
      follower.awaitLines("line-1 to arrive", lines -> texts(lines).contains("line-1"));
      follower.closeStream();
      assertThat(follower.endsWithin(kit.timeouts.await()))
          .as("a consumer blocked in a follow returned after another thread closed the stream").isTrue();
    }
    assertThat(kit.status(id).state()).as("state after closing a follow (closing must not stop the bot)")
        .isEqualTo(BotState.RUNNING);
  }

  void followLeaksNoThreadAfterClose() {
    String id = kit.id("follow-leak");
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, 1));
    kit.awaitLogLine(id, "line-1");
    followOnce(id);
    Set<Thread> baseline = Threads.snapshot();
    for (int i = 0; i < 3; i++) {
      followOnce(id);
      kit.logs(id, LogOptions.DEFAULT);
    }
    Threads.awaitNoneBeyond(baseline, kit.timeouts, kit.fixtureThreads,
        "by three follows that were closed");
  }

  private void followOnce(String id) {
    try (Follower follower = kit.follow(id, LogOptions.following())) {
      follower.awaitLines("line-1 to arrive", lines -> texts(lines).contains("line-1"));
      follower.closeStream();
      assertThat(follower.endsWithin(kit.timeouts.await())).as("the closed follow ended").isTrue();
    }
  }

  void followOfAStoppedBotReturnsItsLinesAndEnds() {
    String id = kit.id("follow-stopped");
    startPrinting(id, 2);
    kit.runtime().stop(id, kit.timeouts.quickStopGrace());
    try (Follower follower = kit.follow(id, LogOptions.following())) {
      assertThat(follower.endsWithin(kit.timeouts.await())).as("a follow of a stopped bot ends").isTrue();
      assertThat(texts(follower.lines())).as("lines of the stopped bot").contains("line-1", "line-2", "err-1");
    }
  }

  private static List<LogLine> only(List<LogLine> lines, LogStream stream) {
    return lines.stream().filter(line -> line.stream() == stream).collect(Collectors.toList());
  }
}
