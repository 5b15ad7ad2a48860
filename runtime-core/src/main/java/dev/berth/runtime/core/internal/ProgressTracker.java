package dev.berth.runtime.core.internal;

import dev.berth.runtime.Progress;
import dev.berth.runtime.ProgressListener;
import java.util.function.LongSupplier;

/** Reports progress of a long copy to a listener, at most every 1 MiB or 1 % of the total, plus the end. */
final class ProgressTracker {
  private static final long STEP = 1L << 20;

  private final ProgressListener listener;
  private final String operation;
  private final String subject;
  private final long total;
  private final String message;
  private LongSupplier completed = () -> 0;
  private long lastReported = -1;

  ProgressTracker(ProgressListener listener, String operation, String subject, long total, String message) {
    this.listener = listener;
    this.operation = operation;
    this.subject = subject;
    this.total = total;
    this.message = message;
  }

  static ProgressTracker none() {
    return new ProgressTracker(ProgressListener.NONE, "", "", -1, "");
  }

  /** Where the completed count comes from (e.g. compressed bytes read so far). */
  ProgressTracker measuring(LongSupplier completedSupplier) {
    this.completed = completedSupplier;
    return this;
  }

  void update() {
    if (listener == ProgressListener.NONE) {
      return;
    }
    long now = completed.getAsLong();
    long step = total > 0 ? Math.max(1, Math.min(STEP, total / 100)) : STEP;
    if (lastReported < 0 || now - lastReported >= step) {
      report(now);
    }
  }

  void done() {
    if (listener != ProgressListener.NONE) {
      long now = completed.getAsLong();
      report(total > 0 ? Math.max(now, total) : now);
    }
  }

  private void report(long now) {
    lastReported = now;
    listener.onProgress(new Progress(operation, subject, now, total, message));
  }
}
