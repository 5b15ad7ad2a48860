package dev.berth.runtime.local;

import dev.berth.runtime.BotState;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread per runtime that watches its bots, every {@value BotSupervisor#TICK_MILLIS} ms:
 *
 * <ul>
 *   <li>exits: a run this JVM started reports its exit at once ({@link Process#onExit()}); an adopted run
 *       (started by an earlier JVM) is checked every {@value #ALIVE_CHECK_MILLIS} ms by pid + start time;
 *   <li>logs: new output is copied into the log, polled faster while a bot is chatty, backing off to once a
 *       second while it is quiet (two {@code stat} calls per check);
 *   <li>policy restarts whose backoff has elapsed; the due time is in the state file, so a restart that was
 *       pending when a JVM died is carried out by the next one;
 *   <li>every {@value #RESCAN_MILLIS} ms, the state directory is re-read, so bots created or changed by
 *       another runtime instance (or JVM) on the same scope are watched too.
 * </ul>
 * The loop never blocks on a busy bot: it only try-locks and comes back on the next tick.
 */
final class SupervisorLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorLoop.class);
  static final long ALIVE_CHECK_MILLIS = 500;
  static final long RESCAN_MILLIS = 5000;
  private static final long MAX_LOG_INTERVAL_MILLIS = 1000;

  private final BotSupervisor supervisor;
  private final ScheduledExecutorService executor;
  private final PeriodicGuard guard;
  private long nextRescan;

  SupervisorLoop(BotSupervisor supervisor) {
    this.supervisor = supervisor;
    this.guard = new PeriodicGuard(LOG, "Supervising the bots of scope '" + supervisor.settings.scope() + "'");
    this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "berth-local-supervisor-" + supervisor.settings.scope());
      thread.setDaemon(true);
      return thread;
    });
  }

  void start() {
    nextRescan = System.currentTimeMillis() + RESCAN_MILLIS;
    executor.scheduleWithFixedDelay(() -> guard.run(this::tick), BotSupervisor.TICK_MILLIS, BotSupervisor.TICK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** Called on the JVM's process reaper thread when a child wrapper exits. */
  void childExited(TrackedBot bot) {
    bot.exitPending = true;
    try {
      executor.execute(() -> guard.run(() -> recordExitIfDead(bot)));
    } catch (RejectedExecutionException e) {
      // closed: the next runtime on this scope records the exit
    }
  }

  private void tick() {
    long now = System.currentTimeMillis();
    if (now >= nextRescan) {
      nextRescan = now + RESCAN_MILLIS;
      rescan();
    }
    for (TrackedBot bot : supervisor.bots.values()) {
      try {
        check(bot, now);
      } catch (RuntimeException e) {
        LOG.warn("Supervising bot {} failed: {}", bot.id(), e.toString());
      }
    }
  }

  private void check(TrackedBot bot, long now) {
    ProcessControl.ProcessRef running = bot.running;
    if (bot.exitPending) {
      recordExitIfDead(bot);
    } else if (running != null && bot.child == null && now >= bot.nextAliveCheck) {
      bot.nextAliveCheck = now + ALIVE_CHECK_MILLIS;
      if (!ProcessControl.isAlive(running)) {
        recordExitIfDead(bot);
      }
    }
    if (bot.running != null && now >= bot.nextLogCheck) {
      if (bot.pump.hasNewOutput()) {
        WorkloadLock.tryLock(bot.dir.logsDir()).ifPresent(held -> {
          try (held) {
            bot.pump.drainStep(false); // what a step leaves, the next tick copies
            BotRuns.logCopied(bot);
          } catch (java.io.IOException e) {
            BotRuns.logNotCopied(bot, e);
          }
        });
        bot.logInterval = BotSupervisor.TICK_MILLIS;
      } else {
        BotRuns.logCopied(bot); // a reader copied the rest: nothing is held back any more
        bot.logInterval = Math.min(MAX_LOG_INTERVAL_MILLIS, bot.logInterval * 2);
      }
      bot.nextLogCheck = now + bot.logInterval;
    }
    Instant due = bot.restartAt;
    if (due != null && !due.isAfter(Instant.now())) {
      restartIfDue(bot);
    }
  }

  private void recordExitIfDead(TrackedBot bot) {
    Optional<WorkloadLock.Held> held = WorkloadLock.tryLock(bot.dir.root());
    if (held.isEmpty()) {
      return; // busy (e.g. a stop in progress, which records the exit itself); retried next tick
    }
    WorkloadLock.Held lock = held.get();
    try {
      bot.exitPending = false;
      Optional<BotRecord> record = BotRecord.load(bot.dir);
      if (record.isEmpty()) {
        supervisor.bots.remove(bot.id(), bot);
        return;
      }
      if (record.get().state == BotState.RUNNING && !bot.isAlive(record.get())) {
        try {
          supervisor.runs.recordExit(bot, record.get(), OptionalInt.empty());
        } catch (dev.berth.runtime.BotNotFoundException e) {
          supervisor.bots.remove(bot.id(), bot); // its directory was removed behind our back meanwhile
        }
      } else {
        bot.observe(record.get());
      }
    } finally {
      lock.close();
    }
  }

  private void restartIfDue(TrackedBot bot) {
    Optional<WorkloadLock.Held> held = WorkloadLock.tryLock(bot.dir.root());
    if (held.isEmpty()) {
      return;
    }
    WorkloadLock.Held lock = held.get();
    try {
      Optional<BotRecord> found = BotRecord.load(bot.dir);
      if (found.isEmpty()) {
        supervisor.bots.remove(bot.id(), bot);
        return;
      }
      BotRecord record = found.get();
      if (record.restartAt == null || record.restartAt.isAfter(Instant.now())
          || record.state == BotState.RUNNING) {
        bot.observe(record);
        return;
      }
      try {
        supervisor.runs.launch(bot, record, true);
      } catch (RuntimeException e) {
        LOG.warn("Restarting bot {} per its restart policy failed: {}", bot.id(), e.getMessage());
      }
    } finally {
      lock.close();
    }
  }

  /**
   * Re-reads the scope's directory: adopts bots this instance has not seen, forgets deleted ones, and
   * re-reads state files another instance changed (one {@code stat} per bot when nothing changed).
   */
  void rescan() {
    Set<String> onDisk = new HashSet<>();
    for (String id : supervisor.ids()) {
      onDisk.add(id);
      try {
        WorkloadDir dir = new WorkloadDir(supervisor.settings.botsDir().resolve(id));
        TrackedBot bot = supervisor.track(dir);
        long stamp = Files.getLastModifiedTime(dir.stateFile()).toMillis();
        if (stamp != bot.stateStamp) {
          bot.stateStamp = stamp;
          BotRecord.load(dir).ifPresent(bot::observe);
        }
      } catch (java.io.IOException e) {
        // deleted meanwhile
      } catch (RuntimeException e) {
        LOG.warn("Reading the state of bot {} failed: {}", id, e.getMessage());
      }
    }
    supervisor.bots.keySet().removeIf(id -> !onDisk.contains(id)
        && !Files.isDirectory(supervisor.settings.botsDir().resolve(id)));
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("The supervisor thread of scope {} did not stop within 10s", supervisor.settings.scope());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
