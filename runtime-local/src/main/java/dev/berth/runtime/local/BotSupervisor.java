package dev.berth.runtime.local;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.EventManager.EventType;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bots of one scope: the operations behind {@link LocalRuntime}, each under the bot's lock, plus the
 * in-memory index the {@link SupervisorLoop} polls.
 */
final class BotSupervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BotSupervisor.class);
  static final long TICK_MILLIS = 100;

  final LocalSettings settings;
  final Launcher launcher;
  final Cgroups cgroups;
  final LocalEvents events;
  final BotRuns runs;
  final ConcurrentHashMap<String, TrackedBot> bots = new ConcurrentHashMap<>();
  private final SupervisorLoop loop;
  private volatile boolean closed;

  BotSupervisor(LocalSettings settings, Launcher launcher, Cgroups cgroups) {
    this.settings = settings;
    this.launcher = launcher;
    this.cgroups = cgroups;
    this.events = new LocalEvents(settings.scope());
    try {
      PrivateDirectories.create(settings.botsDir());
      PrivateDirectories.restrict(settings.scopeDir());
    } catch (IOException e) {
      throw new RuntimeOperationException("Cannot create the local runtime's state directory "
          + settings.botsDir() + ": " + e.getMessage() + ". Set local.state-dir to a writable directory.", e);
    }
    this.loop = new SupervisorLoop(this);
    this.runs = new BotRuns(settings, launcher, cgroups, events, loop::childExited);
    loop.rescan();
    loop.start();
  }

  private WorkloadDir dirOf(String id) {
    return new WorkloadDir(settings.botsDir().resolve(LocalSupport.requireId(WorkloadKind.BOT, id)));
  }

  /** The tracked bot, adopting it from disk if this instance has not seen it yet. */
  TrackedBot track(WorkloadDir dir) {
    return bots.computeIfAbsent(dir.id(),
        id -> new TrackedBot(dir, new LogPump(dir, settings.logMaxBytes(), settings.logFiles())));
  }

  /** @throws BotNotFoundException when the bot does not exist in this scope */
  TrackedBot require(String id) {
    WorkloadDir dir = dirOf(id);
    if (!dir.exists()) {
      bots.remove(id);
      throw new BotNotFoundException(id, settings.scope());
    }
    return track(dir);
  }

  BotRecord load(TrackedBot bot) {
    return BotRecord.load(bot.dir).orElseThrow(() -> {
      bots.remove(bot.id());
      return new BotNotFoundException(bot.id(), settings.scope());
    });
  }

  BotStatus create(BotSpec spec) {
    LocalSupport.check(spec);
    WorkloadDir dir = dirOf(spec.id());
    BotRecord record = new BotRecord(spec);
    WorkloadLock.Held held = WorkloadLock.lockCreating(dir.root());
    try {
      if (dir.exists()) {
        throw new BotAlreadyExistsException(spec.id(), settings.scope());
      }
      clearLeftovers(dir); // of a create that crashed half-way
      try {
        launcher.materialize(spec, dir);
        record.limitsNote = cgroups.note(spec.resources());
        runs.save(track(dir), record);
      } catch (RuntimeException e) {
        bots.remove(spec.id());
        try {
          AtomicFiles.deleteTree(dir.root());
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    } finally {
      held.close();
    }
    runs.publish(record, EventType.CREATED);
    return record.status();
  }

  private static void clearLeftovers(WorkloadDir dir) {
    if (!Files.isDirectory(dir.root())) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir.root())) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (!entry.getFileName().toString().equals(".lock")) {
          AtomicFiles.deleteTree(entry);
        }
      }
    } catch (IOException e) {
      throw new RuntimeOperationException("Cleaning " + dir.root() + " failed: " + e.getMessage(), e);
    }
  }

  void start(String id) {
    TrackedBot bot = require(id);
    WorkloadLock.Held held = WorkloadLock.lock(bot.dir.root());
    try {
      BotRecord record = load(bot);
      if (record.state == BotState.RUNNING) {
        if (bot.isAlive(record)) {
          return;
        }
        runs.recordExit(bot, record, OptionalInt.empty());
      }
      runs.launch(bot, record, false);
    } finally {
      held.close();
    }
  }

  void stop(String id, Duration grace) {
    TrackedBot bot = require(id);
    WorkloadLock.Held held = WorkloadLock.lock(bot.dir.root());
    try {
      runs.stop(bot, load(bot), grace);
    } finally {
      held.close();
    }
  }

  void restart(String id) {
    TrackedBot bot = require(id);
    WorkloadLock.Held held = WorkloadLock.lock(bot.dir.root());
    try {
      BotRecord record = load(bot);
      runs.stop(bot, record, settings.stopGrace());
      runs.launch(bot, record, false);
    } finally {
      held.close();
    }
  }

  void delete(String id) {
    WorkloadDir dir = dirOf(id);
    if (!Files.isDirectory(dir.root())) {
      return;
    }
    TrackedBot bot = track(dir);
    BotRecord record;
    WorkloadLock.Held held = WorkloadLock.lock(dir.root());
    try {
      Optional<BotRecord> found = BotRecord.load(dir);
      if (found.isPresent()) {
        record = found.get();
        runs.stop(bot, record, settings.stopGrace());
      } else {
        record = null;
      }
      cgroups.remove(settings.scope(), "bot", id);
      deleteTree(dir);
    } catch (IOException e) {
      throw new RuntimeOperationException("Deleting bot '" + id + "' failed while removing " + dir.root() + ": "
          + e.getMessage() + ". Check the directory's permissions and delete it by hand.", e);
    } finally {
      held.close();
      bots.remove(id, bot);
    }
    if (record != null) {
      runs.publish(record, EventType.DELETED);
    }
  }

  /** Removes a bot's directory; holds the log lock too, so no log copy writes into it meanwhile. */
  static void deleteTree(WorkloadDir dir) throws IOException {
    WorkloadLock.Held logs = WorkloadLock.lock(dir.logsDir());
    try {
      AtomicFiles.deleteTree(dir.root());
    } finally {
      logs.close();
    }
  }

  BotStatus status(String id) {
    TrackedBot bot = require(id);
    BotRecord record = load(bot);
    if (record.state == BotState.RUNNING && !bot.isAlive(record)) {
      // Exited (or killed behind our back): record it now rather than report a dead bot as running.
      Optional<WorkloadLock.Held> held = WorkloadLock.tryLock(bot.dir.root());
      if (held.isPresent()) {
        WorkloadLock.Held lock = held.get();
        try {
          record = load(bot);
          if (record.state == BotState.RUNNING && !bot.isAlive(record)) {
            runs.recordExit(bot, record, OptionalInt.empty());
          }
        } finally {
          lock.close();
        }
      } else {
        // Busy: the supervisor (or a stop, or another JVM) is recording this very exit or acting on the bot.
        // Read again what it may have saved meanwhile; a run still recorded as running but gone is reported
        // as ended, as the holder is about to record it, never as RUNNING with a dead pid.
        record = load(bot);
        if (record.state == BotState.RUNNING && !bot.isAlive(record)) {
          BotStatus ended = runs.exitedView(bot, record).status();
          // The holder saves its record before it removes the run directory and cgroup the view reads: if
          // the file still says RUNNING now, the view read them intact; else the saved record is the answer.
          record = load(bot);
          if (record.state == BotState.RUNNING) {
            return ended;
          }
        }
      }
    }
    bot.observe(record);
    return withLogProblem(bot, record.status());
  }

  private static BotStatus withLogProblem(TrackedBot bot, BotStatus status) {
    String problem = bot.logProblem;
    if (problem == null) {
      return status;
    }
    return status.toBuilder().message(status.message().isEmpty() ? problem : status.message() + "; " + problem)
        .build();
  }

  List<BotStatus> list(BotFilter filter) {
    List<BotStatus> result = new ArrayList<>();
    for (String id : ids()) {
      try {
        BotStatus status = status(id);
        if (filter.matches(status)) {
          result.add(status);
        }
      } catch (BotNotFoundException e) {
        // deleted while listing
      }
    }
    return result;
  }

  /** The ids of every bot of the scope on disk, sorted. */
  List<String> ids() {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(settings.botsDir())) {
      entries.filter(dir -> Files.isRegularFile(dir.resolve("state.properties")))
          .map(dir -> dir.getFileName().toString()).sorted().forEach(ids::add);
    } catch (IOException e) {
      throw new RuntimeOperationException("Listing " + settings.botsDir() + " failed: " + e.getMessage(), e);
    }
    return ids;
  }

  BotStatus update(String id, BotUpdate update) {
    TrackedBot bot = require(id);
    WorkloadLock.Held held = WorkloadLock.lock(bot.dir.root());
    try {
      BotRecord record = load(bot);
      if (record.state == BotState.RUNNING && !bot.isAlive(record)) {
        runs.recordExit(bot, record, OptionalInt.empty()); // ended just now: never answer RUNNING for it
      }
      BotSpec next = update.applyTo(record.spec);
      LocalSupport.check(next);
      if (!next.image().equals(record.spec.image())) {
        LOG.debug("Bot {}: image changed to '{}'; the local runtime ignores images", id, next.image());
      }
      boolean recreate = !next.env().equals(record.spec.env()) || !next.config().equals(record.spec.config());
      boolean wasRunning = record.state == BotState.RUNNING && bot.isAlive(record);
      if (recreate && wasRunning) {
        runs.stop(bot, record, settings.stopGrace());
      }
      record.spec = next;
      record.limitsNote = cgroups.note(next.resources());
      if (recreate) {
        launcher.writeConfig(next, bot.dir);
        clearLogs(bot);
      } else if (wasRunning) {
        Optional<Path> leaf = cgroups.leaf(settings.scope(), "bot", id);
        if (leaf.isPresent()) {
          try {
            cgroups.apply(leaf.get(), next.resources());
          } catch (IOException e) {
            throw new RuntimeOperationException("Updating the limits of bot '" + id + "' in " + leaf.get()
                + " failed: " + e.getMessage() + ". The bot keeps running with its previous limits.", e);
          }
        }
      }
      runs.save(bot, record);
      if (recreate && wasRunning) {
        runs.launch(bot, record, false);
      }
      return record.status();
    } finally {
      held.close();
    }
  }

  /** A recreated bot starts with an empty log, as a new container does. */
  private static void clearLogs(TrackedBot bot) {
    WorkloadLock.Held held = WorkloadLock.lock(bot.dir.logsDir());
    try {
      bot.pump.clear();
    } catch (IOException e) {
      throw new RuntimeOperationException("Emptying the log of bot '" + bot.id() + "' for its recreation failed in "
          + bot.dir.logsDir() + ": " + e.getMessage() + ". Check the state directory's permissions.", e);
    } finally {
      held.close();
    }
  }

  Stream<LogLine> logs(String id, LogOptions options) {
    TrackedBot bot = require(id);
    return LogReader.open(new WorkloadLogSource("bot", bot.dir, bot.pump, () -> {
      try {
        return status(id).isRunning();
      } catch (BotNotFoundException e) {
        return false;
      }
    }, () -> closed), options);
  }

  /** Stops the supervisor thread and event deliveries, and ends every follow this runtime serves. */
  @Override
  public void close() {
    closed = true;
    loop.close();
    events.close();
  }
}
