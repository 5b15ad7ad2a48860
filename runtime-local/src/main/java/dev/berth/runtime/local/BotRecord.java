package dev.berth.runtime.local;

import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.core.internal.BotSpecCodec;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * A bot's persistent record, the content of its {@code state.properties}. The file, not memory, is the
 * truth: every change is made under the bot's {@link WorkloadLock} by reading the file, changing the record
 * and writing it back atomically, so runtimes in this and other JVMs always agree.
 */
final class BotRecord {
  BotSpec spec;
  BotState state = BotState.CREATED;
  Instant createdAt = Instant.now();
  int run;
  long pid;
  long pidStart;
  long pidTicks;
  boolean groupLeader;
  Instant startedAt;
  Instant finishedAt;
  Integer exitCode;
  boolean oomKilled;
  boolean stopRequested;
  int restartCount;
  int backoff;
  Instant restartAt;
  String message = "";
  String limitsNote = "";

  BotRecord(BotSpec spec) {
    this.spec = spec;
  }

  /** The record in {@code dir}, or empty when the bot does not exist (or is half created). */
  static Optional<BotRecord> load(WorkloadDir dir) {
    Optional<Properties> file;
    try {
      file = AtomicFiles.readProperties(dir.stateFile());
    } catch (java.io.UncheckedIOException e) {
      throw new RuntimeOperationException("Reading the state of bot '" + dir.id() + "' from " + dir.stateFile()
          + " failed: " + e.getCause().getMessage() + ". Check the state directory's permissions.", e);
    }
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Properties p = file.get();
    BotRecord record;
    try {
      record = new BotRecord(BotSpecCodec.read(p));
    } catch (RuntimeException e) {
      throw new RuntimeOperationException("The state file " + dir.stateFile() + " of bot '" + dir.id()
          + "' is damaged (" + e.getMessage() + "). Delete the directory " + dir.root() + " to forget the bot.", e);
    }
    record.state = BotState.valueOf(p.getProperty("state", "CREATED"));
    record.createdAt = instant(p, "createdAt");
    record.run = Integer.parseInt(p.getProperty("run", "0"));
    record.pid = Long.parseLong(p.getProperty("pid", "0"));
    record.pidStart = Long.parseLong(p.getProperty("pidStart", "0"));
    record.pidTicks = Long.parseLong(p.getProperty("pidTicks", "0"));
    record.groupLeader = Boolean.parseBoolean(p.getProperty("groupLeader", "false"));
    record.startedAt = instant(p, "startedAt");
    record.finishedAt = instant(p, "finishedAt");
    record.exitCode = p.containsKey("exitCode") ? Integer.valueOf(p.getProperty("exitCode")) : null;
    record.oomKilled = Boolean.parseBoolean(p.getProperty("oomKilled", "false"));
    record.stopRequested = Boolean.parseBoolean(p.getProperty("stopRequested", "false"));
    record.restartCount = Integer.parseInt(p.getProperty("restartCount", "0"));
    record.backoff = Integer.parseInt(p.getProperty("backoff", "0"));
    record.restartAt = instant(p, "restartAt");
    record.message = p.getProperty("message", "");
    record.limitsNote = p.getProperty("limitsNote", "");
    return Optional.of(record);
  }

  void save(WorkloadDir dir) {
    Properties p = new Properties();
    BotSpecCodec.write(spec, p);
    p.setProperty("kind", "bot");
    p.setProperty("state", state.name());
    put(p, "createdAt", createdAt);
    p.setProperty("run", Integer.toString(run));
    p.setProperty("pid", Long.toString(pid));
    p.setProperty("pidStart", Long.toString(pidStart));
    p.setProperty("pidTicks", Long.toString(pidTicks));
    p.setProperty("groupLeader", Boolean.toString(groupLeader));
    put(p, "startedAt", startedAt);
    put(p, "finishedAt", finishedAt);
    if (exitCode != null) {
      p.setProperty("exitCode", exitCode.toString());
    }
    p.setProperty("oomKilled", Boolean.toString(oomKilled));
    p.setProperty("stopRequested", Boolean.toString(stopRequested));
    p.setProperty("restartCount", Integer.toString(restartCount));
    p.setProperty("backoff", Integer.toString(backoff));
    put(p, "restartAt", restartAt);
    p.setProperty("message", message);
    p.setProperty("limitsNote", limitsNote);
    if (!java.nio.file.Files.isDirectory(dir.root())) {
      // Removed behind our back (rm -rf of the bot's directory): writing would bring a deleted bot back.
      throw new BotNotFoundException(spec.id(), dir.root().getParent().getParent().getFileName().toString());
    }
    try {
      AtomicFiles.writeProperties(dir.stateFile(), p);
    } catch (IOException e) {
      throw new RuntimeOperationException("Saving the state of bot '" + spec.id() + "' to " + dir.stateFile()
          + " failed: " + e.getMessage() + ". Check free space and permissions of the state directory.", e);
    }
  }

  /** The wrapper process of the current run, when the record says one is running. */
  Optional<ProcessRef> process(WorkloadDir dir) {
    return state == BotState.RUNNING && pid > 0
        ? Optional.of(new ProcessRef(pid, pidStart, pidTicks, groupLeader, dir.runDir()))
        : Optional.empty();
  }

  BotStatus status() {
    BotStatus.Builder status = BotStatus.builder(spec.id(), state)
        .runtimeId(pid > 0 ? "pid:" + pid : "")
        .restartCount(restartCount)
        .labels(spec.labels())
        .startedAt(startedAt)
        .finishedAt(state == BotState.RUNNING ? null : finishedAt)
        .message(joinMessages());
    if (exitCode != null && state != BotState.RUNNING) {
      status.exitCode(exitCode);
    }
    if (oomKilled && state != BotState.RUNNING) {
      status.oomKilled(true);
    }
    return status.build();
  }

  private String joinMessages() {
    if (limitsNote.isEmpty()) {
      return message;
    }
    return message.isEmpty() ? limitsNote : message + "; " + limitsNote;
  }

  private static Instant instant(Properties p, String key) {
    String text = p.getProperty(key);
    return text == null || text.isEmpty() ? null : Instant.parse(text);
  }

  private static void put(Properties p, String key, Instant value) {
    if (value != null) {
      p.setProperty(key, value.toString());
    }
  }
}
