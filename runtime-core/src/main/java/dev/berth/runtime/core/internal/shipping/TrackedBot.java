package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import java.util.Objects;

/**
 * What the shipper remembers about one bot between passes: a few hundred bytes, never log text. Only one
 * pass runs at a time and a pass hands each bot to one worker, so the fields need no locking.
 */
final class TrackedBot {
  final String id;
  /** The position stored in the store; null until it has been read. */
  ShippingCursor cursor;
  /** A chunk was stored but the cursor after it was not: this is written before anything else. */
  ShippingCursor unsavedCursor;
  /** The status of a bot that was not running when a complete read found nothing new. */
  String quietStatus;
  /** Whether a failure of this bot has been logged at warn since it last shipped. */
  boolean warned;

  TrackedBot(String id) {
    this.id = id;
  }

  /**
   * A bot that does not run writes nothing; once a read that began after it stopped found nothing new, its
   * log is not read again until its status changes (a start, a restart, a recreation).
   */
  boolean isQuiet(BotStatus status) {
    return quietStatus != null && quietStatus.equals(fingerprint(status));
  }

  void shipped(BotStatus status, long lines) {
    quietStatus = lines == 0 ? fingerprint(status) : null;
  }

  private static String fingerprint(BotStatus status) {
    if (status.state() == BotState.RUNNING || status.state() == BotState.UNKNOWN) {
      return null;
    }
    return String.join("|", status.state().name(), status.runtimeId(), Objects.toString(status.startedAt()),
        Objects.toString(status.finishedAt()), Integer.toString(status.restartCount()));
  }
}
