package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RestartPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The restart bookkeeping of the bots in trouble: those that exited, or on which an action failed. Healthy
 * bots have no entry, so the memory held grows with the trouble, not with the fleet.
 *
 * <p>Each bot's consecutive troubles delay its next attempt: none after the first, then the initial backoff,
 * doubling up to the maximum. After {@code crashLoopAfter} troubles in a row the bot is crash-looping. The
 * count starts again once the bot has run for {@code stableAfter}, or when its spec changes. Thread-safe: the
 * pass thread plans, the workers record outcomes, the reconciler's thread asks when the next attempt is due.
 */
final class Supervision {
  /** What to do with a bot that is not running. */
  enum Decision { ACT, WAIT, LEAVE }

  /** What a look at a bot that is not running found. */
  record Verdict(Decision decision, boolean newExit, boolean crashLoopBegan, boolean crashLooping) {}

  /** One bot's trouble; guarded by the supervision's monitor. */
  private static final class Trouble {
    final String hash;
    int count;
    Instant lastExit;
    Instant nextAttempt;
    boolean crashLooping;
    /** Its restart policy leaves it down: no attempt is due. */
    boolean givenUp;
    /** The reconciler started it after its last exit, so a stop seen now is a new exit. */
    boolean startedSince;

    Trouble(String hash) {
      this.hash = hash;
    }
  }

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int crashLoopAfter;
  private final Duration stableAfter;
  private final Map<String, Trouble> troubles = new HashMap<>();

  Supervision(Duration initialBackoff, Duration maxBackoff, int crashLoopAfter, Duration stableAfter) {
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.crashLoopAfter = crashLoopAfter;
    this.stableAfter = stableAfter;
  }

  /** Whether an action on the bot may run now; a record made for another spec is dropped first. */
  synchronized boolean mayAct(String id, String hash, Instant now) {
    Trouble trouble = current(id, hash);
    return trouble == null || !now.isBefore(trouble.nextAttempt);
  }

  /**
   * Looks at a desired bot that is STOPPED or FAILED: counts a new exit, and says whether to start it now,
   * wait for its backoff, or leave it down (a failure its restart policy does not restart).
   */
  synchronized Verdict exited(BotStatus status, RestartPolicy policy, String hash, Instant now) {
    Trouble trouble = current(status.id(), hash);
    Instant finished = status.finishedAt().orElse(null);
    boolean newExit = trouble == null || trouble.startedSince
        || (finished != null && !finished.equals(trouble.lastExit));
    boolean began = false;
    if (trouble == null) {
      trouble = new Trouble(hash);
      troubles.put(status.id(), trouble);
    }
    if (newExit) {
      trouble.lastExit = finished;
      trouble.startedSince = false;
      // The wait counts from the exit, not from when a pass noticed it.
      began = count(trouble, finished != null && finished.isBefore(now) ? finished : now);
    }
    boolean restart = status.state() != BotState.FAILED
        || policy.shouldRestart(status.exitCode().orElse(1), trouble.count - 1);
    trouble.givenUp = !restart;
    Decision decision = !restart ? Decision.LEAVE : now.isBefore(trouble.nextAttempt) ? Decision.WAIT : Decision.ACT;
    return new Verdict(decision, newExit, began, trouble.crashLooping);
  }

  /** An action on the bot failed: one more trouble. Returns whether the bot began crash-looping with it. */
  synchronized boolean actionFailed(String id, String hash, Instant now) {
    Trouble trouble = troubles.computeIfAbsent(id, key -> new Trouble(hash));
    trouble.givenUp = false;
    return count(trouble, now);
  }

  /** The reconciler started the bot (again); a stop seen later is a new exit. */
  synchronized void started(String id) {
    Trouble trouble = troubles.get(id);
    if (trouble != null) {
      trouble.startedSince = true;
    }
  }

  /** The bot runs: once it has run for the stable time, its troubles are forgotten. */
  synchronized void running(BotStatus status, Instant now) {
    if (troubles.isEmpty()) {
      return;
    }
    Trouble trouble = troubles.get(status.id());
    if (trouble != null && status.startedAt().map(start -> !start.plus(stableAfter).isAfter(now)).orElse(false)) {
      troubles.remove(status.id());
    }
  }

  /** Whether the bot is crash-looping now. */
  synchronized boolean isCrashLooping(String id) {
    Trouble trouble = troubles.isEmpty() ? null : troubles.get(id);
    return trouble != null && trouble.crashLooping;
  }

  synchronized void forget(String id) {
    troubles.remove(id);
  }

  /** Drops the records of bots that are no longer desired. */
  synchronized void retainOnly(Set<String> ids) {
    troubles.keySet().retainAll(ids);
  }

  /** The earliest attempt still to come after {@code after}, of bots that will be started again. */
  synchronized Optional<Instant> nextAttemptAfter(Instant after) {
    Instant next = null;
    for (Trouble trouble : troubles.values()) {
      Instant at = trouble.nextAttempt;
      if (!trouble.givenUp && at != null && at.isAfter(after) && (next == null || at.isBefore(next))) {
        next = at;
      }
    }
    return Optional.ofNullable(next);
  }

  /** How many bots have a record: for tests and the heap budget. */
  synchronized int size() {
    return troubles.size();
  }

  /** The wait before the attempt after the {@code n}-th trouble in a row: none, then doubling to the maximum. */
  Duration delay(int n) {
    if (n <= 1) {
      return Duration.ZERO;
    }
    Duration delay = initialBackoff.multipliedBy(1L << Math.min(n - 2, 30));
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }

  private boolean count(Trouble trouble, Instant now) {
    trouble.count++;
    trouble.nextAttempt = now.plus(delay(trouble.count));
    boolean began = !trouble.crashLooping && trouble.count >= crashLoopAfter;
    trouble.crashLooping |= began;
    return began;
  }

  private Trouble current(String id, String hash) {
    Trouble trouble = troubles.get(id);
    if (trouble != null && !trouble.hash.equals(hash)) {
      troubles.remove(id);
      return null;
    }
    return trouble;
  }
}
