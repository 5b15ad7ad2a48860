package dev.berth.runtime.core.schedule;

import dev.berth.runtime.InvalidSpecException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed cron expression: the standard five fields {@code minute hour day-of-month month day-of-week} with
 * {@code *}, values, ranges ({@code 1-5}), lists ({@code 1,15}), steps ({@code *}{@code /15}, {@code 0-30/10},
 * {@code 5/20}) and names ({@code JAN}-{@code DEC}, {@code SUN}-{@code SAT}, case-insensitive; day-of-week 0 and
 * 7 are both Sunday), or one of the macros {@code @yearly}, {@code @monthly}, {@code @weekly}, {@code @daily}
 * ({@code @midnight}), {@code @hourly} and {@code @every <duration>} ({@code @every 30s}, {@code @every 1h30m}).
 *
 * <p>As in Vixie cron, when both day-of-month and day-of-week are restricted a day matching either fires.
 * Times are wall-clock times in a time zone, and daylight-saving changes are handled the way cron users
 * expect: a time that does not exist (skipped by a spring-forward gap) fires once at the end of the gap; a
 * time that happens twice (a fall-back overlap) fires once, at its first occurrence, unless the expression
 * fires every hour (its hour field is {@code *}), in which case the repeated hour fires too, since such an
 * expression is about elapsed time. {@code @every} ignores zones: it fires at every multiple of its interval
 * since the epoch, so {@code @every 30s} fires at :00 and :30 of every minute.
 *
 * <pre>{@code
 * CronExpression weekdays = CronExpression.parse("30 6 * * MON-FRI");
 * Optional<Instant> next = weekdays.nextAfter(Instant.now(), ZoneId.of("Europe/Berlin"));
 * }</pre>
 */
public final class CronExpression {
  private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final Pattern EVERY_PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  /** Far enough for a February 29th that must also be a given weekday, with room to spare. */
  private static final int SEARCH_YEARS = 30;

  private final String text;
  private final Duration every;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean dayOfMonthRestricted;
  private final boolean dayOfWeekRestricted;

  private CronExpression(String text, Duration every, String[] fields) {
    this.text = text;
    this.every = every;
    if (fields == null) {
      minutes = hours = daysOfMonth = months = daysOfWeek = null;
      dayOfMonthRestricted = dayOfWeekRestricted = false;
      return;
    }
    minutes = CronFields.parse("minute", fields[0], 0, 59, List.of());
    hours = CronFields.parse("hour", fields[1], 0, 23, List.of());
    daysOfMonth = CronFields.parse("day-of-month", fields[2], 1, 31, List.of());
    months = CronFields.parse("month", fields[3], 1, 12, CronFields.MONTHS);
    daysOfWeek = CronFields.parse("day-of-week", fields[4], 0, 7, CronFields.DAYS);
    if (daysOfWeek.get(7)) {
      daysOfWeek.set(0);
    }
    dayOfMonthRestricted = !fields[2].startsWith("*");
    dayOfWeekRestricted = !fields[4].startsWith("*");
  }

  /**
   * Parses {@code expression}.
   *
   * @throws InvalidSpecException naming the field that is wrong and what is allowed there
   */
  public static CronExpression parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw invalid("is empty; give five fields such as '0 6 * * MON-FRI', or '@daily', or '@every 30s'");
    }
    String text = expression.trim().replaceAll("\\s+", " ");
    String lower = text.toLowerCase(Locale.ROOT);
    try {
      if (lower.startsWith("@every")) {
        return new CronExpression(text, every(lower.substring("@every".length()).trim()), null);
      }
      String fields = lower.startsWith("@") ? MACROS.get(lower) : text;
      if (fields == null) {
        throw new IllegalArgumentException("'" + text + "' is not a known macro; use @yearly, @monthly, @weekly,"
            + " @daily, @midnight, @hourly or @every <duration>");
      }
      String[] parts = fields.split(" ");
      if (parts.length != 5) {
        throw new IllegalArgumentException("'" + text + "' has " + parts.length + " fields; give five:"
            + " minute hour day-of-month month day-of-week, e.g. '0 6 * * MON-FRI'");
      }
      CronExpression cron = new CronExpression(text, null, parts);
      if (cron.nextAfter(Instant.EPOCH, ZoneOffset.UTC).isEmpty()) {
        throw new IllegalArgumentException("'" + text + "' never fires (no such day); check day-of-month and month");
      }
      return cron;
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static Duration every(String text) {
    Matcher matcher = EVERY_PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.lookingAt()) {
      long amount = Long.parseLong(matcher.group(1));
      total = total.plus(switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
      end = matcher.end();
      matcher.region(end, text.length());
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("@every: '" + text + "' is not a duration; write e.g. '@every 30s',"
          + " '@every 5m' or '@every 1h30m' (units ms, s, m, h, d)");
    }
    if (total.compareTo(Duration.ofSeconds(1)) < 0 || total.getNano() != 0) {
      throw new IllegalArgumentException("@every: " + text + " is not a whole number of seconds of at least 1 s;"
          + " use e.g. '@every 30s'");
    }
    return total;
  }

  private static InvalidSpecException invalid(String problem) {
    return new InvalidSpecException("cron expression", List.of("cron: " + problem));
  }

  /** The fixed interval of an {@code @every} expression; empty for the others. */
  public Optional<Duration> interval() {
    return Optional.ofNullable(every);
  }

  /**
   * The first time after {@code after} (strictly) at which this expression fires, read on the wall clock of
   * {@code zone}; empty only when it does not fire in the next decades.
   */
  public Optional<Instant> nextAfter(Instant after, ZoneId zone) {
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(zone, "zone");
    if (every != null) {
      long step = every.getSeconds();
      long ticks = Math.floorDiv(after.getEpochSecond(), step) + 1;
      return Optional.of(Instant.ofEpochSecond(ticks * step));
    }
    try {
      ZoneRules rules = zone.getRules();
      Instant next = searchWallClock(after, rules);
      if (hours.cardinality() == 24) {
        ZoneOffsetTransition transition = rules.nextTransition(after);
        boolean fallBackFirst = transition != null && transition.isOverlap()
            && (next == null || !transition.getInstant().isAfter(next));
        Instant repeated = fallBackFirst ? searchRepeatedHour(transition) : null;
        if (repeated != null && (next == null || repeated.isBefore(next))) {
          next = repeated;
        }
      }
      return Optional.ofNullable(next);
    } catch (DateTimeException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private Instant searchWallClock(Instant after, ZoneRules rules) {
    LocalDateTime time = LocalDateTime.ofInstant(after, rules.getOffset(after))
        .truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime limit = time.plusYears(SEARCH_YEARS);
    while (time.isBefore(limit)) {
      if (!months.get(time.getMonthValue())) {
        time = time.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!dayMatches(time)) {
        time = time.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!hours.get(time.getHour())) {
        time = time.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(time.getMinute())) {
        time = time.plusMinutes(1);
      } else {
        Instant instant = resolve(time, rules, after);
        if (instant != null) {
          return instant;
        }
        time = time.plusMinutes(1);
      }
    }
    return null;
  }

  /** The instant of a matching wall-clock time, or null when it is not after {@code after} or must not fire. */
  private Instant resolve(LocalDateTime time, ZoneRules rules, Instant after) {
    List<ZoneOffset> offsets = rules.getValidOffsets(time);
    if (offsets.isEmpty()) {
      Instant endOfGap = rules.getTransition(time).getInstant();
      return endOfGap.isAfter(after) ? endOfGap : null;
    }
    Instant first = time.toInstant(offsets.get(0));
    if (offsets.size() == 1) {
      return first.isAfter(after) ? first : null;
    }
    Instant second = time.toInstant(offsets.get(1));
    Instant earlier = first.isBefore(second) ? first : second;
    Instant later = first.isBefore(second) ? second : first;
    if (earlier.isAfter(after)) {
      return earlier;
    }
    return hours.cardinality() == 24 && later.isAfter(after) ? later : null;
  }

  /** The first match inside the hour a fall-back transition repeats, on the later offset. */
  private Instant searchRepeatedHour(ZoneOffsetTransition transition) {
    for (LocalDateTime time = transition.getDateTimeAfter(); time.isBefore(transition.getDateTimeBefore());
        time = time.plusMinutes(1)) {
      if (months.get(time.getMonthValue()) && dayMatches(time) && hours.get(time.getHour())
          && minutes.get(time.getMinute())) {
        return time.toInstant(transition.getOffsetAfter());
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDateTime time) {
    boolean dayOfMonth = daysOfMonth.get(time.getDayOfMonth());
    boolean dayOfWeek = daysOfWeek.get(time.getDayOfWeek().getValue() % 7);
    return dayOfMonthRestricted && dayOfWeekRestricted ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek;
  }

  /** The expression as given, with runs of whitespace collapsed. */
  @Override
  public String toString() {
    return text;
  }

  /** Equal when written the same (after collapsing whitespace). */
  @Override
  public boolean equals(Object other) {
    return other instanceof CronExpression cron && cron.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
