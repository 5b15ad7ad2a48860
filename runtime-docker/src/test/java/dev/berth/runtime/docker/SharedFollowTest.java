package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.LogCursor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SharedFollowTest {
  private static final List<LogLine> ALL = FakeLogs.numbered(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

  /** The stored log as a member reads it: its first read sees {@code firstRead} lines, later ones all. */
  private static final class Stored implements SharedFollower.StoredLog {
    private final List<Instant> sinceRequests = new ArrayList<>();

    @Override
    public Iterator<LogLine> since(Instant from) {
      sinceRequests.add(from);
      return ALL.iterator();
    }

    @Override
    public Iterator<LogLine> all() {
      return ALL.iterator();
    }

    @Override
    public void stop() {
    }
  }

  private static List<String> texts(Iterator<LogLine> lines) {
    List<String> texts = new ArrayList<>();
    lines.forEachRemaining(line -> texts.add(line.text()));
    return texts;
  }

  @Test
  void membersGetEveryLineOnceWhetherTheirStoredReadOverlapsTheSharedLinesOrNot() {
    AtomicBoolean ended = new AtomicBoolean();
    SharedFollow shared = new SharedFollow("bot", false, follow -> ended.set(true));
    SharedFollow.Member early = shared.join().orElseThrow();
    SharedFollow.Member behind = shared.join().orElseThrow();
    // the shared follow starts at line 5; the final read after the exit finds nothing new
    FakeLogs docker = new FakeLogs(request -> request.follow() ? ALL.subList(4, 10) : ALL,
        inspection -> GapFreeFollow.Liveness.EXITED);
    shared.start(new GapFreeFollow(docker, LogOptions.builder().follow(true).tail(0).build(), new LogCursor()));

    Stored overlapping = new Stored();
    SharedFollower first = new SharedFollower(shared, early, overlapping, LogOptions.following(),
        ALL.subList(0, 6).iterator(), null);
    assertThat(texts(first)).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    assertThat(overlapping.sinceRequests).as("reads again although the shared lines overlap its read").isEmpty();

    Stored gap = new Stored();
    SharedFollower second = new SharedFollower(shared, behind, gap, LogOptions.following(),
        ALL.subList(0, 3).iterator(), null);
    assertThat(texts(second)).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    assertThat(gap.sinceRequests).as("a read from line 3 on, before taking the shared lines from line 5")
        .containsExactly(ALL.get(2).timestamp());
    await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
  }

  @Test
  void aMemberThatJoinsAtTheStartNeedsNoReadOfItsOwnAndTheLastToLeaveStopsTheFollow() {
    AtomicBoolean ended = new AtomicBoolean();
    SharedFollow shared = new SharedFollow("bot", true, follow -> ended.set(true));
    SharedFollow.Member member = shared.joinAtStart().orElseThrow();
    LogFeed live = FakeLogs.feed(ALL, false); // the container keeps running
    shared.start(new GapFreeFollow(new GapFreeFollow.Source() {
      @Override
      public LogFeed open(boolean follow, int tail, java.util.Optional<Instant> since) {
        return live;
      }

      @Override
      public GapFreeFollow.Liveness liveness() {
        return GapFreeFollow.Liveness.RUNNING;
      }
    }, LogOptions.following(), new LogCursor()));
    SharedFollower follower = new SharedFollower(shared, member, new Stored(), LogOptions.following(),
        java.util.Collections.emptyIterator(), null);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < ALL.size(); i++) {
      got.add(follower.next().text());
    }
    assertThat(got).isEqualTo(ALL.stream().map(LogLine::text).collect(Collectors.toList()));
    follower.close();
    assertThat(follower.hasNext()).isFalse();
    await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
    assertThat(live.wasShutdown()).as("the Docker follow was closed with its last member").isTrue();
    assertThat(shared.joinAtStart()).as("an ended follow serves no new member").isEmpty();
  }
}
