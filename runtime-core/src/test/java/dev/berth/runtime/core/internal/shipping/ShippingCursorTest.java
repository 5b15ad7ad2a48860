package dev.berth.runtime.core.internal.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.LogCursor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShippingCursorTest {
  private static final Instant T = Instant.parse("2026-12-02T10:15:30.123456789Z");

  private static ShippingCursor shippedUpTo(long nextChunk, LogLine... lines) {
    LogCursor position = ShippingCursor.start().position();
    for (LogLine line : lines) {
      position.delivered(line);
    }
    return ShippingCursor.start().advancedTo(position, nextChunk);
  }

  @Test
  void survivesTheRoundTripThroughItsObject() {
    ShippingCursor cursor = shippedUpTo(42, LogLine.stdout(T, "a"), LogLine.stdout(T, "b"),
        LogLine.stderr(T.minusSeconds(1), "c"));

    assertThat(new String(cursor.encode(), StandardCharsets.UTF_8)).isEqualTo(
        "stdout=2026-12-02T10:15:30.123456789Z 2\nstderr=2026-12-02T10:15:29.123456789Z 1\nnext-chunk=42\n");
    assertThat(ShippingCursor.decode(cursor.encode(), "here")).isEqualTo(cursor);
    assertThat(ShippingCursor.decode(ShippingCursor.start().encode(), "here")).isEqualTo(ShippingCursor.start());
  }

  @Test
  void anUnreadableObjectIsNamedInTheError() {
    assertThatThrownBy(() -> ShippingCursor.decode("stdout=yesterday 1\nnext-chunk=0\n"
        .getBytes(StandardCharsets.UTF_8), "bot-logs/svc/a/cursor"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("bot-logs/svc/a/cursor");
    assertThatThrownBy(() -> ShippingCursor.decode(("stdout=" + T + " 0\nnext-chunk=0\n")
        .getBytes(StandardCharsets.UTF_8), "x")).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("at least one line");
    assertThatThrownBy(() -> ShippingCursor.decode("next-chunk=-1".getBytes(StandardCharsets.UTF_8), "x"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> ShippingCursor.decode(("stdout=" + T + " 1").getBytes(StandardCharsets.UTF_8), "x"))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("missing");
  }

  @Test
  void aReadSkipsExactlyWhatWasShippedOfEachStream() {
    ShippingCursor cursor = shippedUpTo(5, LogLine.stdout(T, "shipped 1"), LogLine.stdout(T, "shipped 2"),
        LogLine.stderr(T.minusMillis(5), "shipped 3"));
    List<LogLine> read = List.of(LogLine.stdout(T.minusSeconds(1), "older, from a coarse since"),
        LogLine.stderr(T.minusMillis(5), "shipped 3"), LogLine.stdout(T, "shipped 1"),
        LogLine.stdout(T, "shipped 2"), LogLine.stderr(T.minusMillis(2), "late stderr"),
        LogLine.stdout(T, "new at T"), LogLine.stdout(T.plusNanos(1), "new after T"));

    assertThat(read.stream().filter(cursor.notShipped()).map(LogLine::text))
        .containsExactly("late stderr", "new at T", "new after T");
    assertThat(cursor.logOptions().since()).contains(T.minusMillis(5));
  }

  @Test
  void aStreamSilentForLongDoesNotDragEveryReadBackToItsLastLine() {
    ShippingCursor cursor = shippedUpTo(1, LogLine.stderr(T.minusSeconds(3600), "once"), LogLine.stdout(T, "a"));

    assertThat(cursor.logOptions().since()).contains(T.minus(ShippingCursor.LOOK_BACK));
    assertThat(ShippingCursor.start().logOptions().since()).isEmpty();
  }

  @Test
  void readingAdvancesACopyNeverTheCursorItself() {
    ShippingCursor cursor = shippedUpTo(3, LogLine.stdout(T, "a"));
    LogCursor reading = cursor.position();
    reading.delivered(LogLine.stdout(T.plusSeconds(1), "b"));

    assertThat(cursor).isEqualTo(shippedUpTo(3, LogLine.stdout(T, "a")));
    assertThat(cursor.advancedTo(reading, 4)).isEqualTo(shippedUpTo(4, LogLine.stdout(T, "a"),
        LogLine.stdout(T.plusSeconds(1), "b")));
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
