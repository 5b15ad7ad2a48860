package dev.berth.runtime.local;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.local.ProcessControl.ProcessRef;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One backtest a {@link LocalBacktestRunner} owns: its directory, process and outcome.
 *
 * <p>While it runs, the runner holds an exclusive {@link FileLock} on {@code <dir>/.lease}. The OS releases
 * it when the JVM dies, so a runner that starts later can tell orphans (lease free: kill and sweep) from
 * backtests another live runner owns (lease held: leave alone).
 */
final class BacktestJob {
  final BacktestSpec spec;
  final WorkloadDir dir;
  final LogPump pump;
  final CompletableFuture<BacktestResult> result = new CompletableFuture<>();
  private FileChannel leaseChannel;
  volatile BacktestState state = BacktestState.PENDING;
  volatile Process process;
  volatile ProcessRef ref;
  volatile Instant startedAt;
  volatile Instant finishedAt;
  volatile OptionalInt exitCode = OptionalInt.empty();
  volatile String message = "";
  /** Set when the runner ends it: CANCELLED or TIMED_OUT. */
  volatile BacktestState requestedEnd;
  volatile ScheduledFuture<?> timeoutTask;
  /** The log lines kept in memory once the files are cleaned up. */
  volatile List<LogLine> retainedLogs = List.of();
  /** The same lines with their positions, for followers that outlive the files; null until it ends. */
  volatile LogReader.Kept kept;

  BacktestJob(BacktestSpec spec, WorkloadDir dir, LogPump pump) {
    this.spec = spec;
    this.dir = dir;
    this.pump = pump;
  }

  String id() {
    return spec.id();
  }

  BacktestStatus status() {
    return new BacktestStatus(spec.id(), state, exitCode, Optional.ofNullable(startedAt),
        Optional.ofNullable(finishedAt), message);
  }

  /** Takes the lease; false when another runner (this JVM or another) holds it. */
  static Optional<FileChannel> tryLease(Path dir) {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(dir.resolve(".lease"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      return Optional.of(channel);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      return Optional.empty();
    } catch (IOException e) {
      closeQuietly(channel);
      return Optional.empty();
    }
  }

  boolean lease() {
    Optional<FileChannel> channel = tryLease(dir.root());
    leaseChannel = channel.orElse(null);
    return channel.isPresent();
  }

  void releaseLease() {
    closeQuietly(leaseChannel);
    leaseChannel = null;
  }

  /** Writes what a sweeper or a later runner needs: identity of the process, keep flag, outcome. */
  void saveState() throws IOException {
    Properties p = new Properties();
    p.setProperty("kind", "backtest");
    p.setProperty("id", spec.id());
    p.setProperty("keep", Boolean.toString(spec.keep()));
    p.setProperty("state", state.name());
    p.setProperty("message", message);
    ProcessRef current = ref;
    if (current != null) {
      p.setProperty("pid", Long.toString(current.pid()));
      p.setProperty("pidStart", Long.toString(current.startMillis()));
      p.setProperty("pidTicks", Long.toString(current.startTicks()));
      p.setProperty("groupLeader", Boolean.toString(current.groupLeader()));
    }
    exitCode.ifPresent(code -> p.setProperty("exitCode", Integer.toString(code)));
    if (startedAt != null) {
      p.setProperty("startedAt", startedAt.toString());
    }
    if (finishedAt != null) {
      p.setProperty("finishedAt", finishedAt.toString());
    }
    AtomicFiles.writeProperties(dir.stateFile(), p);
  }

  /** The status a state file records, for backtests this runner does not own (kept, or another runner's). */
  static Optional<BacktestStatus> statusOnDisk(WorkloadDir dir) {
    return AtomicFiles.readProperties(dir.stateFile()).map(p -> new BacktestStatus(p.getProperty("id", dir.id()),
        BacktestState.valueOf(p.getProperty("state", "RUNNING")),
        p.containsKey("exitCode") ? OptionalInt.of(Integer.parseInt(p.getProperty("exitCode"))) : OptionalInt.empty(),
        Optional.ofNullable(p.getProperty("startedAt")).map(Instant::parse),
        Optional.ofNullable(p.getProperty("finishedAt")).map(Instant::parse),
        p.getProperty("message", "")));
  }

  /** The process a state file records, if any. */
  static Optional<ProcessRef> processOnDisk(WorkloadDir dir) {
    return AtomicFiles.readProperties(dir.stateFile()).filter(p -> p.containsKey("pid"))
        .map(p -> new ProcessRef(Long.parseLong(p.getProperty("pid")), Long.parseLong(p.getProperty("pidStart", "0")),
            Long.parseLong(p.getProperty("pidTicks", "0")), Boolean.parseBoolean(p.getProperty("groupLeader", "false")),
            dir.runDir()));
  }

  static boolean keptOnDisk(WorkloadDir dir) {
    return AtomicFiles.readProperties(dir.stateFile()).map(p -> Boolean.parseBoolean(p.getProperty("keep")))
        .orElse(false);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // releasing a lock cannot lose data
      }
    }
  }
}
