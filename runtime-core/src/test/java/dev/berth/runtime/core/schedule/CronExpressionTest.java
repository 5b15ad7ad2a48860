package dev.berth.runtime.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.InvalidSpecException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CronExpressionTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** The first {@code count} ticks after {@code after}. */
  private static List<Instant> ticks(String cron, String after, ZoneId zone, int count) {
    CronExpression expression = CronExpression.parse(cron);
    List<Instant> ticks = new ArrayList<>();
    Instant at = Instant.parse(after);
    for (int i = 0; i < count; i++) {
      at = expression.nextAfter(at, zone).orElseThrow();
      ticks.add(at);
    }
    return ticks;
  }

  private static List<Instant> instants(String... instants) {
    return java.util.Arrays.stream(instants).map(Instant::parse).toList();
  }

  @Nested
  @DisplayName("five fields")
  class Fields {
    @Test
    void rangesStepsAndWeekdayNamesSkipTheWeekend() {
      // Friday 2026-01-02 17:50; 17:45 was the last tick of Friday's window.
      assertThat(ticks("*/15 9-17 * * MON-FRI", "2026-01-02T17:50:00Z", ZoneOffset.UTC, 2))
          .isEqualTo(instants("2026-01-05T09:00:00Z", "2026-01-05T09:15:00Z"));
    }

    @Test
    void listsMonthNamesAndAStartWithAStep() {
      assertThat(ticks("0 0 1,15 JAN,jul *", "2026-01-01T00:00:00Z", ZoneOffset.UTC, 3))
          .isEqualTo(instants("2026-01-15T00:00:00Z", "2026-07-01T00:00:00Z", "2026-07-15T00:00:00Z"));
      assertThat(ticks("5/20 * * * *", "2026-01-01T00:00:00Z", ZoneOffset.UTC, 4)).isEqualTo(instants(
          "2026-01-01T00:05:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:05:00Z"));
    }

    @Test
    void dayOfWeekSevenIsSundayLikeZero() {
      // 2026-01-04 is a Sunday.
      assertThat(ticks("0 12 * * 7", "2026-01-01T00:00:00Z", ZoneOffset.UTC, 1))
          .isEqualTo(ticks("0 12 * * SUN", "2026-01-01T00:00:00Z", ZoneOffset.UTC, 1))
          .isEqualTo(instants("2026-01-04T12:00:00Z"));
    }

    @Test
    void restrictedDayOfMonthAndDayOfWeekFireOnEither() {
      // Fridays of February 2026 are the 6th, 13th, 20th; the 13th is also day 13.
      assertThat(ticks("0 0 13 * FRI", "2026-02-01T00:00:00Z", ZoneOffset.UTC, 3))
          .isEqualTo(instants("2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z"));
    }

    @Test
    void leapDayIsFoundYearsAhead() {
      assertThat(ticks("0 0 29 2 *", "2026-01-01T00:00:00Z", ZoneOffset.UTC, 1))
          .isEqualTo(instants("2028-02-29T00:00:00Z"));
    }
  }

  @Nested
  @DisplayName("macros")
  class Macros {
    @Test
    void hourlyDailyWeekly() {
      assertThat(ticks("@hourly", "2026-01-01T10:20:00Z", ZoneOffset.UTC, 1)).isEqualTo(instants("2026-01-01T11:00:00Z"));
      assertThat(ticks("@daily", "2026-01-01T10:20:00Z", ZoneOffset.UTC, 1)).isEqualTo(instants("2026-01-02T00:00:00Z"));
      assertThat(ticks("@weekly", "2026-01-01T10:20:00Z", ZoneOffset.UTC, 1)).isEqualTo(instants("2026-01-04T00:00:00Z"));
    }

    @Test
    void everyFiresAtMultiplesOfItsIntervalWhateverTheZone() {
      assertThat(ticks("@every 30s", "2026-01-01T10:20:10.500Z", NEW_YORK, 3))
          .isEqualTo(instants("2026-01-01T10:20:30Z", "2026-01-01T10:21:00Z", "2026-01-01T10:21:30Z"));
      assertThat(CronExpression.parse("@every 1h30m").interval()).contains(Duration.ofMinutes(90));
      assertThat(CronExpression.parse("0 * * * *").interval()).isEmpty();
    }
  }

  @Nested
  @DisplayName("bad expressions name the problem")
  class Invalid {
    @Test
    void wrongFieldCount() {
      assertThatThrownBy(() -> CronExpression.parse("0 6 * *")).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("has 4 fields; give five");
    }

    @Test
    void valueOutOfRangeNamesTheField() {
      assertThatThrownBy(() -> CronExpression.parse("0 24 * * *")).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("hour: 24 in '24' is out of range; use 0-23");
      assertThatThrownBy(() -> CronExpression.parse("0 0 * * FUN")).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("day-of-week: 'FUN' in 'FUN' is not a number or a name");
      assertThatThrownBy(() -> CronExpression.parse("0 0 * 5-2 *")).hasMessageContaining("runs backwards");
      assertThatThrownBy(() -> CronExpression.parse("*/0 * * * *")).hasMessageContaining("minute: step '0'");
    }

    @Test
    void unknownMacroAndBadInterval() {
      assertThatThrownBy(() -> CronExpression.parse("@fortnightly")).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("not a known macro");
      assertThatThrownBy(() -> CronExpression.parse("@every 500ms")).hasMessageContaining("at least 1 s");
      assertThatThrownBy(() -> CronExpression.parse("@every soon")).hasMessageContaining("is not a duration");
      assertThatThrownBy(() -> CronExpression.parse(" ")).hasMessageContaining("is empty");
    }

    @Test
    void anExpressionThatNeverFires() {
      assertThatThrownBy(() -> CronExpression.parse("0 0 30 2 *")).isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("never fires");
    }
  }

  @Nested
  @DisplayName("daylight saving time")
  class DaylightSaving {
    @Test
    void aTimeInTheSpringForwardGapFiresOnceAtTheEndOfTheGap() {
      // 2026-03-08 in New York: 02:00 EST jumps to 03:00 EDT (07:00Z); 02:30 does not exist that day.
      assertThat(ticks("30 2 * * *", "2026-03-07T12:00:00Z", NEW_YORK, 3)).isEqualTo(instants(
          "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"));
    }

    @Test
    void ticksInsideTheGapCollapseIntoOne() {
      assertThat(ticks("*/15 * * * *", "2026-03-08T06:40:00Z", NEW_YORK, 3)).isEqualTo(instants(
          "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"));
    }

    @Test
    void aFixedTimeInTheFallBackOverlapFiresOnlyAtItsFirstOccurrence() {
      // 2026-11-01 in New York: 02:00 EDT (06:00Z) falls back to 01:00 EST; 01:30 happens at 05:30Z and 06:30Z.
      assertThat(ticks("30 1 * * *", "2026-10-31T12:00:00Z", NEW_YORK, 2)).isEqualTo(instants(
          "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
    }

    @Test
    void anHourlyExpressionFiresInTheRepeatedHourToo() {
      assertThat(ticks("*/30 * * * *", "2026-11-01T04:50:00Z", NEW_YORK, 5)).isEqualTo(instants(
          "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z",
          "2026-11-01T07:00:00Z"));
      // Starting inside the repeated hour, it goes on from there.
      assertThat(ticks("*/30 * * * *", "2026-11-01T06:10:00Z", NEW_YORK, 2)).isEqualTo(instants(
          "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z"));
    }

    @Test
    void theZoneDecidesTheInstant() {
      // Berlin springs forward on 2026-03-29 at 02:00 CET (01:00Z).
      assertThat(ticks("0 2 * * *", "2026-03-28T12:00:00Z", ZoneId.of("Europe/Berlin"), 2)).isEqualTo(instants(
          "2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"));
      assertThat(ticks("0 2 * * *", "2026-03-28T12:00:00Z", ZoneOffset.UTC, 1)).isEqualTo(instants(
          "2026-03-29T02:00:00Z"));
    }
  }
}
