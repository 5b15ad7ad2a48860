package dev.berth.runtime.core.schedule;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/** Parses one field of a five-field cron expression into the set of values it matches. */
final class CronFields {
  static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private CronFields() {}

  /**
   * The values {@code text} matches, e.g. {@code 1-5,10/15} or {@code MON-FRI}.
   *
   * @param field the field's name for messages
   * @param names value names starting at {@code min}, or an empty list
   * @throws IllegalArgumentException naming the field, the part and the allowed range
   */
  static BitSet parse(String field, String text, int min, int max, List<String> names) {
    BitSet values = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      parsePart(field, part, min, max, names, values);
    }
    return values;
  }

  private static void parsePart(String field, String part, int min, int max, List<String> names, BitSet values) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException(field + ": an empty list entry in the field; separate values with one ','");
    }
    String range = part;
    int step = 1;
    int slash = part.indexOf('/');
    if (slash >= 0) {
      range = part.substring(0, slash);
      step = number(field, part.substring(slash + 1), part);
      if (step < 1 || step > max) {
        throw new IllegalArgumentException(field + ": step '" + part.substring(slash + 1) + "' in '" + part
            + "' is out of range; use a step from 1 to " + max);
      }
    }
    int from;
    int to;
    if (range.equals("*")) {
      from = min;
      to = max;
    } else {
      int dash = range.indexOf('-');
      if (dash > 0) {
        from = value(field, range.substring(0, dash), part, min, max, names);
        to = value(field, range.substring(dash + 1), part, min, max, names);
        if (to < from) {
          throw new IllegalArgumentException(field + ": range '" + range + "' runs backwards; write it low-high");
        }
      } else {
        from = value(field, range, part, min, max, names);
        to = slash >= 0 ? max : from;
      }
    }
    for (int value = from; value <= to; value += step) {
      values.set(value);
    }
  }

  private static int value(String field, String text, String part, int min, int max, List<String> names) {
    int index = names.indexOf(text.toUpperCase(Locale.ROOT));
    int value = index >= 0 ? min + index : number(field, text, part);
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + ": " + value + " in '" + part + "' is out of range; use "
          + min + "-" + max + (names.isEmpty() ? "" : " or " + names.get(0) + "-" + names.get(names.size() - 1)));
    }
    return value;
  }

  private static int number(String field, String text, String part) {
    if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(field + ": '" + text + "' in '" + part
          + "' is not a number" + (field.equals("month") || field.equals("day-of-week") ? " or a name" : "")
          + "; see the cron syntax in docs/schedules.md");
    }
    return Integer.parseInt(text);
  }
}
