package dev.berth.runtime.local;

import dev.berth.runtime.BotState;
import dev.berth.runtime.EventManager.BotEvent;
import dev.berth.runtime.EventManager.EventType;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transitions of one bot's runs: launch, stop (SIGTERM to the tree, SIGKILL after the grace), and
 * recording an exit (exit code, state, restart per policy with exponential backoff). Every method is called
 * with the bot's {@link WorkloadLock} held and saves the record before it returns.
 */
final class BotRuns {
  private static final Logger LOG = LoggerFactory.getLogger(BotRuns.class);
  static final long BACKOFF_START_MILLIS = 100;
  static final long BACKOFF_MAX_MILLIS = 10_000;
  /** A run that lasted this long resets the backoff, as Docker does. */
  static final Duration BACKOFF_RESET_AFTER = Duration.ofSeconds(10);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final LocalSettings settings;
  private final Launcher launcher;
  private final Cgroups cgroups;
  private final LocalEvents events;
  private final Consumer<TrackedBot> onChildExit;

  BotRuns(LocalSettings settings, Launcher launcher, Cgroups cgroups, LocalEvents events,
      Consumer<TrackedBot> onChildExit) {
    this.settings = settings;
    this.launcher = launcher;
    this.cgroups = cgroups;
    this.events = events;
    this.onChildExit = onChildExit;
  }

  void save(TrackedBot bot, BotRecord record) {
    record.save(bot.dir);
    bot.observe(record);
  }

  void publish(BotRecord record, EventType type) {
    OptionalInt code = record.exitCode == null || record.state == BotState.RUNNING
        ? OptionalInt.empty() : OptionalInt.of(record.exitCode);
    events.publish(new BotEvent(record.spec.id(), type, Instant.now(), code, record.message), record.status());
  }

  /** Starts a new run. {@code policyRestart} counts it in restartCount. */
  void launch(TrackedBot bot, BotRecord record, boolean policyRestart) {
    record.restartAt = null;
    String id = record.spec.id();
    Optional<Path> cgroup = cgroups.prepare(settings.scope(), "bot", id, record.spec.resources());
    Process process;
    Instant startedAt = Instant.now(); // before the process exists, so it never follows its exit time
    boolean[] recorded = new boolean[1];
    try {
      drainLogs(bot, true); // anything left of the previous run goes first
      process = launcher.start(record.spec, bot.dir, cgroup, (started, ref) -> {
        // saved before start() waits for the exec, so a crash in between leaves a run a later JVM adopts
        record.run++;
        record.pid = ref.pid();
        record.pidStart = ref.startMillis();
        record.pidTicks = ref.startTicks();
        record.groupLeader = ref.groupLeader();
        record.state = BotState.RUNNING;
        record.startedAt = startedAt;
        record.finishedAt = null;
        record.exitCode = null;
        record.oomKilled = false;
        record.stopRequested = false;
        record.message = "";
        if (policyRestart) {
          record.restartCount++;
        }
        bot.child = started;
        bot.nextLogCheck = 0;
        bot.logInterval = BotSupervisor.TICK_MILLIS;
        recorded[0] = true;
        save(bot, record);
      });
    } catch (RuntimeException e) {
      if (recorded[0]) {
        bot.child = null; // killed by start(): it could not be recorded
      }
      record.state = BotState.FAILED;
      record.exitCode = null;
      record.finishedAt = Instant.now();
      record.message = "could not start: " + e.getMessage();
      save(bot, record);
      publish(record, EventType.FAILED);
      throw e;
    }
    process.onExit().thenRun(() -> onChildExit.accept(bot));
    LOG.debug("Bot {} {} (pid {})", id, policyRestart ? "restarted" : "started", process.pid());
    publish(record, policyRestart ? EventType.RESTARTED : EventType.STARTED);
  }

  /**
   * Stops the run, if any: SIGTERM to the tree, SIGKILL after {@code grace}. Also cancels a pending policy
   * restart: a requested stop is never undone by the policy.
   */
  void stop(TrackedBot bot, BotRecord record, Duration grace) {
    if (record.state == BotState.RUNNING && !bot.isAlive(record)) {
      recordExit(bot, record, OptionalInt.empty()); // it exited on its own just now
    }
    if (record.restartAt != null) {
      record.restartAt = null;
      record.message = record.message.replaceAll("; restart \\d+ in \\d+ms$", "")
          + "; policy restart cancelled by stop";
      save(bot, record);
    }
    if (record.state != BotState.RUNNING) {
      return;
    }
    ProcessRef ref = record.process(bot.dir).orElseThrow();
    Optional<Process> child = bot.childOf(record);
    record.stopRequested = true;
    save(bot, record);
    ProcessControl.signalTree(ref, false);
    OptionalInt fallback = OptionalInt.empty();
    if (!ProcessControl.awaitExit(ref, child, grace)) {
      LOG.info("Bot {} did not exit within {} of SIGTERM; killing its process tree", record.spec.id(), grace);
      ProcessControl.signalTree(ref, true);
      if (!ProcessControl.awaitExit(ref, child, KILL_WAIT)) {
        ProcessControl.killAll(ref);
      }
      if (!ProcessControl.awaitExit(ref, child, KILL_WAIT)) {
        throw new RuntimeOperationException("Bot '" + record.spec.id() + "' (pid " + ref.pid() + ") is still "
            + "alive " + KILL_WAIT.toSeconds() + "s after SIGKILL (stuck in the kernel?). Check it with ps.");
      }
      fallback = OptionalInt.of(137);
    }
    recordExit(bot, record, fallback);
  }

  /**
   * Records that the run has ended: flushes its output into the log (before the terminal state is saved,
   * so a follower that sees the state has every line), reads the exit code the wrapper wrote, sets
   * STOPPED/FAILED and schedules a policy restart.
   *
   * @param fallback the exit code to assume when the wrapper could not write one (it was SIGKILLed)
   */
  void recordExit(TrackedBot bot, BotRecord record, OptionalInt fallback) {
    drainLogs(bot, true);
    EventType type = applyExit(bot, record, fallback);
    OptionalInt code = record.exitCode == null ? OptionalInt.empty() : OptionalInt.of(record.exitCode);
    if (!record.stopRequested && record.spec.restartPolicy().shouldRestart(code.orElse(-1), record.restartCount)) {
      scheduleRestart(record);
    }
    record.stopRequested = false;
    bot.child = null;
    String id = record.spec.id();
    save(bot, record);
    // After the save: until then a status read while this holds the lock still finds the cgroup (OOM counter)
    // and the run directory (exit code) the record is about to say.
    cgroups.remove(settings.scope(), "bot", id);
    removeRunDir(bot);
    LOG.debug("Bot {} ended: {}", id, record.message);
    publish(record, type);
  }

  /**
   * What {@link #recordExit} would record for a run that has ended, applied to {@code record} without
   * saving it: for a status read while someone else holds the bot's lock (and records the exit itself).
   */
  BotRecord exitedView(TrackedBot bot, BotRecord record) {
    applyExit(bot, record, OptionalInt.empty());
    return record;
  }

  /** Sets exit code, finish time, state and message of an ended run from what the wrapper left; no I/O but reads. */
  private EventType applyExit(TrackedBot bot, BotRecord record, OptionalInt fallback) {
    OptionalInt code = bot.dir.exitCode();
    Optional<Process> child = bot.childOf(record);
    if (code.isEmpty() && child.isPresent() && !child.get().isAlive()) {
      code = OptionalInt.of(child.get().exitValue());
    }
    if (code.isEmpty()) {
      code = fallback;
    }
    boolean oom = cgroups.leaf(settings.scope(), "bot", record.spec.id()).map(cgroups::oomKilled).orElse(false);
    Optional<String> lastError = Launcher.lastErrorLine(bot.dir);
    record.finishedAt = bot.dir.exitTime().orElseGet(Instant::now);
    if (record.startedAt != null && record.finishedAt.isBefore(record.startedAt)) {
      record.finishedAt = record.startedAt; // the file time is coarser than the clock
    }
    record.exitCode = code.isPresent() ? code.getAsInt() : null;
    record.oomKilled = oom && !record.stopRequested;
    if (record.stopRequested) {
      record.state = BotState.STOPPED;
      record.message = "stopped on request";
      return EventType.STOPPED;
    }
    if (code.isPresent() && code.getAsInt() == 0) {
      record.state = BotState.STOPPED;
      record.message = "exited with code 0";
      return EventType.EXITED;
    }
    record.state = BotState.FAILED;
    record.message = ExitCodes.describe(code, oom, lastError);
    return oom ? EventType.OOM_KILLED : EventType.FAILED;
  }

  private void scheduleRestart(BotRecord record) {
    if (record.startedAt != null && record.finishedAt != null
        && Duration.between(record.startedAt, record.finishedAt).compareTo(BACKOFF_RESET_AFTER) >= 0) {
      record.backoff = 0;
    }
    long delay = Math.min(BACKOFF_MAX_MILLIS, BACKOFF_START_MILLIS << Math.min(record.backoff, 16));
    record.backoff = Math.min(record.backoff + 1, 16);
    record.restartAt = Instant.now().plusMillis(delay);
    record.message = record.message + "; restart " + (record.restartCount + 1) + " in " + delay + "ms";
  }

  /**
   * Removes a drained run directory (under the log lock, so no reader drains a half-deleted one). Done after
   * the record is saved: a crash in between leaves a drained run directory, which is harmless.
   */
  private static void removeRunDir(TrackedBot bot) {
    WorkloadLock.Held logs = WorkloadLock.lock(bot.dir.logsDir());
    try {
      bot.pump.drain(true); // whatever a reader's drain left since (nothing, normally)
      AtomicFiles.deleteTree(bot.dir.runDir());
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not remove the run directory of bot {}: {}", bot.id(), e.toString());
    } finally {
      logs.close();
    }
  }

  /**
   * Copies all new output into the bot's log, in steps that each hold the log lock on their own, so followers
   * read between them; failures are logged, never thrown.
   */
  void drainLogs(TrackedBot bot, boolean flush) {
    boolean left = true;
    while (left) {
      WorkloadLock.Held held = WorkloadLock.lock(bot.dir.logsDir());
      try {
        LogPump.Drained step = bot.pump.drainStep(flush);
        left = step.left() && step.lines() > 0;
        logCopied(bot);
      } catch (IOException | RuntimeException e) {
        logNotCopied(bot, e);
        left = false;
      } finally {
        held.close();
      }
    }
  }

  /** Clears a log problem {@link #logNotCopied} reported, once copying works again. */
  static void logCopied(TrackedBot bot) {
    if (bot.logProblem != null) {
      bot.logProblem = null;
      LOG.info("Copying the output of bot {} into its log works again", bot.id());
    }
  }

  /**
   * Records why the bot's output cannot be copied into its log (a full disk, typically): its status says so
   * until a copy works again, and it is logged once per episode, not at every retry.
   */
  static void logNotCopied(TrackedBot bot, Exception e) {
    String problem = "its output is not being copied into its log in " + bot.dir.logsDir() + " (" + e
        + "); it stays in " + bot.dir.runDir() + " until there is room again";
    if (bot.logProblem == null) {
      LOG.warn("Bot {}: {}", bot.id(), problem);
    }
    bot.logProblem = problem;
  }
}
