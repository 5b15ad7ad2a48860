package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.LogCursor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GapFreeFollowTest {
  private static final GapFreeFollow.Liveness RUNNING = GapFreeFollow.Liveness.RUNNING;
  private static final GapFreeFollow.Liveness EXITED = GapFreeFollow.Liveness.EXITED;

  private static List<String> texts(GapFreeFollow follow) {
    List<String> texts = new ArrayList<>();
    follow.forEachRemaining(line -> texts.add(line.text()));
    return texts;
  }

  @Test
  void aFollowThatDockerEndsEarlyIsCompletedFromTheStoredLogOnceTheContainerExited() {
    // lines 2, 3 and 4 share one timestamp; the follow got 2 and 3 of them
    List<LogLine> all = FakeLogs.numbered(6, 10, 20, 20, 20, 30, 40);
    FakeLogs logs = new FakeLogs(request -> request.follow() ? all.subList(0, 3) : all, inspection -> EXITED);
    assertThat(texts(new GapFreeFollow(logs, LogOptions.following(), new LogCursor())))
        .containsExactly("1", "2", "3", "4", "5", "6");
    assertThat(logs.requests()).containsExactly(new FakeLogs.Request(true, LogOptions.ALL, Optional.empty()),
        new FakeLogs.Request(false, LogOptions.ALL, Optional.of(all.get(1).timestamp())));
  }

  @Test
  void whileTheContainerRunsAFollowThatEndsIsResumedFromTheLastDeliveredLine() {
    List<LogLine> all = FakeLogs.numbered(6, 10, 20, 30, 40, 50, 60);
    FakeLogs logs = new FakeLogs(request -> {
      if (request.follow() && request.since().isEmpty()) {
        return all.subList(0, 2);
      }
      return request.follow() ? all.subList(1, 4) : all; // the resumed follow starts at the second of line 2
    }, inspection -> inspection == 0 ? RUNNING : EXITED);
    assertThat(texts(new GapFreeFollow(logs, LogOptions.following(), new LogCursor())))
        .containsExactly("1", "2", "3", "4", "5", "6");
    assertThat(logs.requests()).extracting(FakeLogs.Request::follow).containsExactly(true, true, false);
    assertThat(logs.requests().get(1).since()).contains(all.get(1).timestamp());
  }

  @Test
  void eachStreamIsResumedAfterItsOwnLastLine() {
    // stderr's line is stamped before stdout's last one but stored after it
    Instant base = Instant.ofEpochSecond(1_700_000_000L);
    LogLine first = LogLine.stdout(base.plusNanos(10), "out-1");
    LogLine second = LogLine.stdout(base.plusNanos(30), "out-2");
    LogLine error = LogLine.stderr(base.plusNanos(20), "err-1");
    List<LogLine> stored = List.of(first, second, error);
    FakeLogs logs = new FakeLogs(request -> request.follow() ? stored.subList(0, 2) : stored,
        inspection -> EXITED);
    assertThat(texts(new GapFreeFollow(logs, LogOptions.following(), new LogCursor())))
        .containsExactly("out-1", "out-2", "err-1");
  }

  @Test
  void aFollowOfAContainerThatWasRemovedEndsQuietly() {
    List<LogLine> all = FakeLogs.numbered(3, 10, 20, 30);
    FakeLogs logs = new FakeLogs(request -> all.subList(0, 2), inspection -> GapFreeFollow.Liveness.GONE);
    assertThat(texts(new GapFreeFollow(logs, LogOptions.following(), new LogCursor()))).containsExactly("1", "2");
    assertThat(logs.requests()).hasSize(1);
  }

  @Test
  void aFollowWithATailResumesWithEveryLineAfterTheLastDelivered() {
    List<LogLine> all = FakeLogs.numbered(5, 10, 20, 30, 40, 50);
    FakeLogs logs = new FakeLogs(request -> request.follow() ? all.subList(2, 3) : all, inspection -> EXITED);
    assertThat(texts(new GapFreeFollow(logs, LogOptions.builder().follow(true).tail(1).build(), new LogCursor())))
        .containsExactly("3", "4", "5");
    assertThat(logs.requests().get(0).tail()).isEqualTo(1);
  }

  @Test
  void closeFromAnotherThreadEndsAFollowWaitingForLines() throws Exception {
    LogFeed open = FakeLogs.feed(FakeLogs.numbered(1, 10), false);
    GapFreeFollow.Source source = new GapFreeFollow.Source() {
      @Override
      public LogFeed open(boolean follow, int tail, Optional<Instant> since) {
        return open;
      }

      @Override
      public GapFreeFollow.Liveness liveness() {
        return RUNNING;
      }
    };
    GapFreeFollow follow = new GapFreeFollow(source, LogOptions.following(), new LogCursor());
    assertThat(follow.next().text()).isEqualTo("1");
    CompletableFuture<Boolean> more = CompletableFuture.supplyAsync(follow::hasNext);
    follow.close();
    assertThat(more.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(open.wasShutdown()).isTrue();
  }

  @Test
  void theCursorCountsLinesSharingATimestampPerStream() {
    Instant stamp = Instant.ofEpochSecond(1_700_000_000L, 5);
    LogCursor cursor = new LogCursor();
    cursor.delivered(LogLine.stdout(stamp, "a"));
    cursor.delivered(LogLine.stdout(stamp, "b"));
    cursor.delivered(LogLine.stderr(stamp.minusNanos(1), "e"));
    var fresh = cursor.missed();
    assertThat(List.of(LogLine.stdout(stamp.minusNanos(1), "old"), LogLine.stdout(stamp, "a"),
        LogLine.stdout(stamp, "b"), LogLine.stdout(stamp, "c"), LogLine.stderr(stamp.minusNanos(1), "e"),
        LogLine.stderr(stamp, "f"), LogLine.stdout(stamp.plusNanos(1), "d")))
        .filteredOn(fresh).extracting(LogLine::text).containsExactly("c", "f", "d");
    assertThat(cursor.resumeFrom()).as("the earliest stream's mark").contains(stamp.minusNanos(1));
  }
}
