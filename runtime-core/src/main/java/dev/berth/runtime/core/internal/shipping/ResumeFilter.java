package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.LogLine;
import java.time.Instant;

/**
 * Recognises, in a read that starts at a cursor's timestamp, the lines that were shipped before: those
 * older than the timestamp, and the first {@code linesAtTimestamp} lines at exactly the timestamp.
 */
final class ResumeFilter {
  private final Instant timestamp;
  private final long shippedAtTimestamp;
  private long seenAtTimestamp;

  ResumeFilter(LogCursor from) {
    this.timestamp = from.timestamp().orElse(null);
    this.shippedAtTimestamp = from.linesAtTimestamp();
  }

  boolean alreadyShipped(LogLine line) {
    if (timestamp == null) {
      return false;
    }
    int order = line.timestamp().compareTo(timestamp);
    if (order < 0) {
      return true; // a backend whose "since" is coarser than the timestamp (Docker: seconds) returns these
    }
    if (order == 0 && seenAtTimestamp < shippedAtTimestamp) {
      seenAtTimestamp++;
      return true;
    }
    return false;
  }
}
