package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogFrameDecoderTest {
  private final List<LogLine> lines = new ArrayList<>();
  private final LogFrameDecoder decoder = new LogFrameDecoder(lines::add);

  private void feed(LogStream stream, String text) {
    decoder.accept(stream, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesTheTimestampPrefixWithNanoseconds() {
    feed(LogStream.STDOUT, "2026-11-23T10:15:30.123456789Z hello world\n");
    assertThat(lines).containsExactly(new LogLine(Instant.parse("2026-11-23T10:15:30.123456789Z"),
        LogStream.STDOUT, "hello world"));
  }

  @Test
  void keepsStreamsApartAndSplitsSeveralLinesInOneFrame() {
    feed(LogStream.STDOUT, "2026-11-23T10:15:30.1Z a\n2026-11-23T10:15:30.2Z b\n");
    feed(LogStream.STDERR, "2026-11-23T10:15:30.3Z e\n");
    assertThat(lines).extracting(LogLine::stream, LogLine::text).containsExactly(
        org.assertj.core.groups.Tuple.tuple(LogStream.STDOUT, "a"), org.assertj.core.groups.Tuple.tuple(LogStream.STDOUT, "b"),
        org.assertj.core.groups.Tuple.tuple(LogStream.STDERR, "e"));
  }

  @Test
  void joinsPartialMessagesAndDropsTheirRepeatedTimestamps() {
    feed(LogStream.STDOUT, "2026-11-23T10:15:30.100000000Z first half ");
    feed(LogStream.STDOUT, "2026-11-23T10:15:30.200000000Z second half\n");
    assertThat(lines).singleElement().satisfies(line -> {
      assertThat(line.text()).isEqualTo("first half second half");
      assertThat(line.timestamp()).isEqualTo(Instant.parse("2026-11-23T10:15:30.100Z"));
    });
  }

  @Test
  void decodesMultiByteCharactersSplitAcrossFrames() {
    byte[] all = "2026-11-23T10:15:30Z price €5\n".getBytes(StandardCharsets.UTF_8);
    int split = all.length - 4; // inside the three bytes of the euro sign
    decoder.accept(LogStream.STDOUT, java.util.Arrays.copyOfRange(all, 0, split));
    decoder.accept(LogStream.STDOUT, java.util.Arrays.copyOfRange(all, split, all.length));
    assertThat(lines).extracting(LogLine::text).containsExactly("price €5");
  }

  @Test
  void framesSplitInsideATimestampOrALine() {
    feed(LogStream.STDOUT, "2026-11-23T10:15:30.1Z line-1\n2026-11-23T10:15:");
    feed(LogStream.STDOUT, "30.2Z line-2\n2026-11-23T10:15:30.3Z li");
    feed(LogStream.STDOUT, "ne-3\n");
    assertThat(lines).extracting(LogLine::text).containsExactly("line-1", "line-2", "line-3");
    assertThat(lines.get(1).timestamp()).isEqualTo(Instant.parse("2026-11-23T10:15:30.2Z"));
  }

  @Test
  void flushEmitsAnUnterminatedLastLine() {
    feed(LogStream.STDOUT, "2026-11-23T10:15:30Z no newline");
    assertThat(lines).isEmpty();
    decoder.flush();
    assertThat(lines).extracting(LogLine::text).containsExactly("no newline");
  }

  @Test
  void keepsEmptyLinesAndStripsCarriageReturns() {
    feed(LogStream.STDOUT, "2026-11-23T10:15:30Z \n2026-11-23T10:15:31Z dos\r\n");
    assertThat(lines).extracting(LogLine::text).containsExactly("", "dos");
  }

  /** The digit-by-digit reading of Docker's layout agrees with {@link Instant#parse} everywhere. */
  @Test
  void readsDockerTimestampsExactlyAsInstantParseDoes() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 20_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong() % 8_000_000_000L + 4_000_000_000L,
          random.nextInt(1_000_000_000));
      String text = instant.toString(); // ISO_INSTANT: 0, 3, 6 or 9 fraction digits
      if (random.nextBoolean() && text.contains(".")) { // Go's RFC3339Nano drops trailing zeros
        text = text.replaceAll("0+Z$", "Z").replace(".Z", "Z");
      }
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(LogFrameDecoder.parse(bytes, bytes.length)).as(text).isEqualTo(Instant.parse(text));
    }
    for (String text : List.of("2024-02-29T23:59:59.999999999Z", "2026-12-02T13:10:42Z", "2026-12-02T13:10:42.5Z",
        "1970-01-01T00:00:00Z", "2026-12-02T13:10:42.123+01:00", "2016-12-31T23:59:60Z", "2026-12-02T24:00:00Z")) {
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(LogFrameDecoder.parse(bytes, bytes.length)).as(text).isEqualTo(Instant.parse(text));
    }
    for (String bad : List.of("2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-02T25:00:00Z",
        "2026-12-02T13:10:42.1234567890Z", "2026-12-0xT13:10:42Z")) {
      byte[] bytes = bad.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(LogFrameDecoder.parse(bytes, bytes.length)).as(bad).isNull();
    }
  }
}
