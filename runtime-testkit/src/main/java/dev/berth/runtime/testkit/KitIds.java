package dev.berth.runtime.testkit;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ids and scopes unique per test, per JVM and per run, so kits can run in parallel and leftovers of an
 * aborted run never collide with a new one: {@code <hint>-<run token>-<counter>}.
 */
final class KitIds {
  private static final String RUN_TOKEN = token();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private KitIds() {}

  /** A fresh bot or backtest id, a DNS-1123 label starting with {@code hint}. */
  static String id(String hint) {
    String prefix = hint.length() > 24 ? hint.substring(0, 24) : hint;
    return prefix + "-" + RUN_TOKEN + "-" + COUNTER.incrementAndGet();
  }

  /** A fresh scope (at most 40 characters). */
  static String scope() {
    return "tck-" + RUN_TOKEN + "-" + COUNTER.incrementAndGet();
  }

  private static String token() {
    SecureRandom random = new SecureRandom();
    StringBuilder token = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      token.append(Character.forDigit(random.nextInt(36), 36));
    }
    return token.toString().toLowerCase(Locale.ROOT);
  }
}
