package dev.berth.runtime;

import java.util.List;
import java.util.Locale;

/** Parses sizes such as {@code 512m}, {@code 1g}, {@code 64KiB}, {@code 1024} (binary units). */
final class Sizes {
  private Sizes() {}

  /**
   * Parses a size in bytes. Suffixes {@code k}, {@code m}, {@code g}, {@code t} (optionally followed by
   * {@code b}, {@code ib} or {@code iB}) are powers of 1024; no suffix means bytes.
   *
   * @param field the name to put in the error message
   * @throws InvalidSpecException naming {@code field} when the text does not parse
   */
  static long parse(String field, String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (value.endsWith("ib")) {
      value = value.substring(0, value.length() - 2);
    } else if (value.endsWith("b")) {
      value = value.substring(0, value.length() - 1);
    }
    long multiplier = 1;
    if (!value.isEmpty()) {
      int unit = "kmgt".indexOf(value.charAt(value.length() - 1));
      if (unit >= 0) {
        multiplier = 1L << (10 * (unit + 1));
        value = value.substring(0, value.length() - 1);
      }
    }
    try {
      long number = Long.parseLong(value.trim());
      if (number < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(number, multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidSpecException("size", List.of(field + ": '" + text
          + "' is not a size; write a non-negative number with an optional unit, e.g. 512m, 1g, 64k"));
    }
  }
}
