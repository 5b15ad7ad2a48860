package dev.berth.runtime.local;

import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One backtest's directory and process, the handle the core backtest engine holds. The directory's
 * {@code state.properties} records what a runner in another JVM needs to take the backtest over: the
 * engine's metadata (deadline, result path, keep) and the process's identity (pid and start time, so a
 * recycled pid is never mistaken for it).
 */
final class LocalBacktest {
  private static final String METADATA_PREFIX = "berth.";

  final WorkloadDir dir;
  final Optional<ProcessRef> ref;
  final Optional<Process> child;
  final LogPump pump;
  final Optional<Instant> startedAt;
  private volatile boolean drained;

  LocalBacktest(WorkloadDir dir, Optional<ProcessRef> ref, Optional<Process> child, LogPump pump,
      Optional<Instant> startedAt) {
    this.dir = dir;
    this.ref = ref;
    this.child = child;
    this.pump = pump;
    this.startedAt = startedAt;
  }

  String id() {
    return dir.id();
  }

  boolean isAlive() {
    if (child.isPresent()) {
      return child.get().isAlive();
    }
    return ref.map(ProcessControl::isAlive).orElse(false);
  }

  /** Whether the final output has been copied into the log after the exit. */
  boolean drained() {
    return drained;
  }

  void markDrained() {
    drained = true;
  }

  static void writeState(WorkloadDir dir, Map<String, String> metadata, Optional<ProcessRef> process,
      Optional<Instant> startedAt) {
    Properties p = new Properties();
    p.setProperty("kind", "backtest");
    p.setProperty("id", dir.id());
    metadata.forEach(p::setProperty);
    process.ifPresent(ref -> {
      p.setProperty("pid", Long.toString(ref.pid()));
      p.setProperty("pidStart", Long.toString(ref.startMillis()));
      p.setProperty("pidTicks", Long.toString(ref.startTicks()));
      p.setProperty("groupLeader", Boolean.toString(ref.groupLeader()));
    });
    startedAt.ifPresent(at -> p.setProperty("startedAt", at.toString()));
    try {
      AtomicFiles.writeProperties(dir.stateFile(), p);
    } catch (IOException e) {
      throw new RuntimeOperationException("Writing the state of backtest '" + dir.id() + "' to " + dir.stateFile()
          + " failed: " + e.getMessage() + ". Check free space and permissions of the state directory.", e);
    }
  }

  /** The state file's record: the engine's metadata and the process, if it started. */
  record State(Map<String, String> metadata, Optional<ProcessRef> process, Optional<Instant> startedAt) {}

  static State readState(WorkloadDir dir) {
    Optional<Properties> read;
    try {
      read = AtomicFiles.readProperties(dir.stateFile());
    } catch (UncheckedIOException e) {
      read = Optional.empty(); // unreadable: treated like a backtest that never started
    }
    Properties p = read.orElseGet(Properties::new);
    Map<String, String> metadata = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      if (name.startsWith(METADATA_PREFIX)) {
        metadata.put(name, p.getProperty(name));
      }
    }
    Optional<ProcessRef> process = Optional.empty();
    Optional<Instant> startedAt = Optional.empty();
    try {
      if (p.containsKey("pid")) {
        process = Optional.of(new ProcessRef(Long.parseLong(p.getProperty("pid")),
            Long.parseLong(p.getProperty("pidStart", "0")), Long.parseLong(p.getProperty("pidTicks", "0")),
            Boolean.parseBoolean(p.getProperty("groupLeader", "false")), dir.runDir()));
      }
      startedAt = Optional.ofNullable(p.getProperty("startedAt")).map(Instant::parse);
    } catch (RuntimeException e) {
      // a torn or hand-edited record: no process to watch
    }
    return new State(metadata, process, startedAt);
  }
}
