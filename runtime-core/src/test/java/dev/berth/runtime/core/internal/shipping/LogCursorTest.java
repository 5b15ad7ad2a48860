package dev.berth.runtime.core.internal.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.RuntimeOperationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogCursorTest {
  private static final Instant T = Instant.parse("2026-12-02T10:15:30.123456789Z");

  @Test
  void survivesTheRoundTripThroughItsObject() {
    LogCursor cursor = new LogCursor(Optional.of(T), 3, 42);

    assertThat(LogCursor.decode(cursor.encode(), "here")).isEqualTo(cursor);
    assertThat(LogCursor.decode(LogCursor.START.encode(), "here")).isEqualTo(LogCursor.START);
  }

  @Test
  void anUnreadableObjectIsNamedInTheError() {
    assertThatThrownBy(() -> LogCursor.decode("timestamp=yesterday\nlines-at-timestamp=1\nnext-chunk=0\n"
        .getBytes(StandardCharsets.UTF_8), "bot-logs/svc/a/cursor"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("bot-logs/svc/a/cursor");
    assertThatThrownBy(() -> LogCursor.decode("next-chunk=-1".getBytes(StandardCharsets.UTF_8), "x"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("missing");
  }

  @Test
  void countsLinesWithinOneTimestampAndNeverMovesBack() {
    LogCursor cursor = LogCursor.START.after(LogLine.stdout(T, "a")).after(LogLine.stderr(T, "b"));
    assertThat(cursor).isEqualTo(new LogCursor(Optional.of(T), 2, 0));

    assertThat(cursor.after(LogLine.stdout(T.minusNanos(1), "late"))).isEqualTo(cursor);
    assertThat(cursor.after(LogLine.stdout(T.plusNanos(1), "c"))).isEqualTo(
        new LogCursor(Optional.of(T.plusNanos(1)), 1, 0));
    assertThat(cursor.logOptions().since()).contains(T);
  }

  @Test
  void theResumeFilterSkipsExactlyWhatTheCursorCovers() {
    ResumeFilter filter = new ResumeFilter(new LogCursor(Optional.of(T), 2, 5));
    List<LogLine> read = List.of(LogLine.stdout(T.minusSeconds(1), "older, from a coarse since"),
        LogLine.stdout(T, "shipped 1"), LogLine.stdout(T, "shipped 2"), LogLine.stdout(T, "new at T"),
        LogLine.stdout(T.plusNanos(1), "new after T"));

    assertThat(read.stream().filter(line -> !filter.alreadyShipped(line)).map(LogLine::text))
        .containsExactly("new at T", "new after T");
  }

  @Test
  void aChunkTakesLinesUpToItsCapacityOfOneDayAndAtLeastOneLine() {
    ChunkBuffer chunk = new ChunkBuffer(10);
    LocalDate day = LocalDate.of(2026, 12, 2);

    assertThat(chunk.accepts(64, day)).as("an empty chunk takes even a long line").isTrue();
    chunk.add(new byte[6], day);
    assertThat(chunk.accepts(4, day)).isTrue();
    assertThat(chunk.accepts(5, day)).isFalse();
    assertThat(chunk.accepts(1, day.plusDays(1))).isFalse();
    chunk.add(new byte[4], day);
    assertThat(chunk.size()).isEqualTo(10);
    assertThat(chunk.lines()).isEqualTo(2);
  }

  @Test
  void keysSortInShippingOrder() {
    assertThat(LogLayout.chunkKey("svc", "bot-1", LocalDate.of(2026, 12, 2), 9))
        .isEqualTo("svc/bot-1/2026-12-02/0000000009.log");
    assertThat(LogLayout.chunkKey("svc", "bot-1", LocalDate.of(2026, 12, 2), 10))
        .isGreaterThan(LogLayout.chunkKey("svc", "bot-1", LocalDate.of(2026, 12, 2), 9));
    assertThat(LogLayout.cursorKey("svc", "bot-1")).isEqualTo("svc/bot-1/cursor");
  }
}
