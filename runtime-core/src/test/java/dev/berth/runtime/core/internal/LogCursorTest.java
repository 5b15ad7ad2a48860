package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.core.internal.LogCursor.Mark;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogCursorTest {
  private static final Instant T = Instant.parse("2026-12-02T10:15:30Z");

  @Test
  void aFollowsCursorSkipsWhatCameBeforeItsFirstLineOfAStreamItSawNothingOf() {
    LogCursor follow = new LogCursor();
    follow.delivered(LogLine.stdout(T, "tail"));

    assertThat(follow.missed().test(LogLine.stderr(T.minusSeconds(1), "before the tail"))).isFalse();
    assertThat(follow.missed().test(LogLine.stderr(T, "with the tail"))).isTrue();
  }

  @Test
  void aWholeLogCursorMissesEveryLineOfAStreamItSawNothingOf() {
    LogCursor cursor = LogCursor.fromStart();
    cursor.delivered(LogLine.stdout(T, "a"));

    assertThat(cursor.missed().test(LogLine.stderr(T.minusSeconds(1), "earlier, other stream"))).isTrue();
    assertThat(cursor.missed().test(LogLine.stdout(T.minusSeconds(1), "earlier, same stream"))).isFalse();
  }

  @Test
  void marksCarryThePositionOfEachStreamToAnotherCursor() {
    LogCursor cursor = LogCursor.fromStart();
    List.of(LogLine.stdout(T, "a"), LogLine.stdout(T, "b"), LogLine.stderr(T.minusMillis(3), "c"))
        .forEach(cursor::delivered);

    Map<LogStream, Mark> marks = cursor.marks();
    LogCursor restored = LogCursor.fromStart(marks);

    assertThat(marks).containsExactly(Map.entry(LogStream.STDOUT, new Mark(T, 2)),
        Map.entry(LogStream.STDERR, new Mark(T.minusMillis(3), 1)));
    assertThat(restored.marks()).isEqualTo(marks);
    assertThat(restored.deliveredAny()).isTrue();
    assertThat(List.of(LogLine.stdout(T, "a"), LogLine.stdout(T, "b"), LogLine.stdout(T, "new"),
        LogLine.stderr(T.minusMillis(2), "late")).stream().filter(restored.missed()).map(LogLine::text))
        .containsExactly("new", "late");
  }

  @Test
  void aCopyMovesOnItsOwn() {
    LogCursor cursor = LogCursor.fromStart();
    cursor.delivered(LogLine.stdout(T, "a"));
    LogCursor copy = cursor.copy();

    copy.delivered(LogLine.stdout(T.plusSeconds(1), "b"));

    assertThat(cursor.marks()).containsExactly(Map.entry(LogStream.STDOUT, new Mark(T, 1)));
    assertThat(copy.marks()).containsExactly(Map.entry(LogStream.STDOUT, new Mark(T.plusSeconds(1), 1)));
  }

  @Test
  void aLookBackBoundsHowFarASilentStreamDragsTheResumePoint() {
    LogCursor cursor = LogCursor.fromStart();
    cursor.delivered(LogLine.stderr(T.minusSeconds(60), "long ago"));
    cursor.delivered(LogLine.stdout(T, "now"));

    assertThat(cursor.resumeFrom()).contains(T.minusSeconds(60));
    assertThat(cursor.resumeFrom(Duration.ofSeconds(2))).contains(T.minusSeconds(2));
    assertThat(cursor.resumeFrom(Duration.ofMinutes(5))).contains(T.minusSeconds(60));
    assertThat(LogCursor.fromStart().resumeFrom(Duration.ofSeconds(2))).isEmpty();
  }
}
