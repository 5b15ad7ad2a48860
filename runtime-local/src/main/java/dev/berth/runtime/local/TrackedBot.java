package dev.berth.runtime.local;

import dev.berth.runtime.BotState;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.time.Instant;
import java.util.Optional;

/**
 * What the supervisor keeps in memory per bot: a cache of the record's hot fields for the polling loop
 * (the state file stays the truth) and the {@link Process} when this JVM started the current run. Small on
 * purpose: a runtime may watch thousands of bots.
 */
final class TrackedBot {
  final WorkloadDir dir;
  final LogPump pump;
  /** The wrapper, when this JVM started it (exit is then known at once); null for adopted runs. */
  volatile Process child;
  /** The running wrapper per the last record seen; null when not running. */
  volatile ProcessRef running;
  /** When a policy restart is due, per the last record seen. */
  volatile Instant restartAt;
  /** Why the bot's output is not being copied into its log (e.g. its disk is full); null while it is. */
  volatile String logProblem;
  /** An exit was seen but not yet recorded (the bot's lock was busy). */
  volatile boolean exitPending;
  // Touched by the supervisor loop thread only.
  /** Modification time of the state file when the loop last read it. */
  long stateStamp = -1;
  long nextAliveCheck;
  long nextLogCheck;
  long logInterval = BotSupervisor.TICK_MILLIS;

  TrackedBot(WorkloadDir dir, LogPump pump) {
    this.dir = dir;
    this.pump = pump;
  }

  String id() {
    return dir.id();
  }

  /** Refreshes the cache from a record just read or written. */
  void observe(BotRecord record) {
    running = record.state == BotState.RUNNING ? record.process(dir).orElse(null) : null;
    restartAt = record.restartAt;
    Process process = child;
    if (process != null && (running == null || running.pid() != process.pid())) {
      child = null;
    }
  }

  /** The wrapper as a child of this JVM, if this JVM started the run {@code record} describes. */
  Optional<Process> childOf(BotRecord record) {
    Process process = child;
    return process != null && process.pid() == record.pid ? Optional.of(process) : Optional.empty();
  }

  /** Whether the run the record describes is alive; exact for children, by pid + start time otherwise. */
  boolean isAlive(BotRecord record) {
    Optional<ProcessRef> ref = record.process(dir);
    if (ref.isEmpty()) {
      return false;
    }
    Optional<Process> process = childOf(record);
    return process.isPresent() ? process.get().isAlive() : ProcessControl.isAlive(ref.get());
  }
}
