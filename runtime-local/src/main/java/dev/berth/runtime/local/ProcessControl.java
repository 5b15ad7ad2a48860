package dev.berth.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, signals and waits for a workload's process tree, safely across JVMs.
 *
 * <p>A pid alone is not an identity: after the process dies the number is recycled. A {@link ProcessRef}
 * therefore also holds the process start time ({@link ProcessHandle.Info#startInstant()}, the same value in
 * every JVM since it comes from {@code /proc/<pid>/stat}) and the run directory, which is an argument of the
 * wrapper and so visible in its command line. A process matches only when all that agrees.
 */
final class ProcessControl {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessControl.class);
  private static final long START_TOLERANCE_MILLIS = 1000;

  private ProcessControl() {}

  /**
   * The identity of a started wrapper.
   *
   * @param pid the wrapper's pid
   * @param startMillis its start time in epoch milliseconds
   * @param groupLeader whether it leads its own process group (pgid = pid)
   * @param runDir the run directory it was given, part of its command line; null for processes that are
   *     not wrappers (then pid and start time identify it)
   */
  record ProcessRef(long pid, long startMillis, boolean groupLeader, Path runDir) {}

  /** The identity of a process this JVM just started. */
  static ProcessRef refOf(Process process, Path runDir) {
    long start = process.info().startInstant().map(java.time.Instant::toEpochMilli)
        .orElseGet(System::currentTimeMillis);
    return new ProcessRef(process.pid(), start, Wrapper.usesProcessGroups(), runDir);
  }

  /** The live process that {@code ref} names, or empty when it has exited or the pid was reused. */
  static Optional<ProcessHandle> find(ProcessRef ref) {
    Optional<ProcessHandle> handle = ProcessHandle.of(ref.pid());
    if (handle.isEmpty() || !handle.get().isAlive() || isZombie(ref.pid())) {
      return Optional.empty();
    }
    ProcessHandle.Info info = handle.get().info();
    Optional<java.time.Instant> start = info.startInstant();
    if (start.isPresent() && Math.abs(start.get().toEpochMilli() - ref.startMillis()) > START_TOLERANCE_MILLIS) {
      return Optional.empty();
    }
    Optional<String[]> args = info.arguments();
    if (ref.runDir() != null && args.isPresent() && !List.of(args.get()).contains(ref.runDir().toString())) {
      return Optional.empty();
    }
    return handle;
  }

  /** Whether the process is alive (and really the one {@code ref} names). */
  static boolean isAlive(ProcessRef ref) {
    return find(ref).isPresent();
  }

  /** A zombie has exited; its parent just has not collected it yet. */
  private static boolean isZombie(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat);
      int close = text.lastIndexOf(')');
      return close > 0 && close + 2 < text.length() && text.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Sends SIGTERM (or SIGKILL when {@code force}) to the whole tree: the process group when the wrapper leads
   * one, plus every descendant (which catches processes that left the group).
   */
  static void signalTree(ProcessRef ref, boolean force) {
    Optional<ProcessHandle> root = find(ref);
    if (root.isEmpty()) {
      return;
    }
    // Snapshot first: once parents die, their children are re-parented and no longer descendants.
    List<ProcessHandle> descendants = root.get().descendants().toList();
    if (ref.groupLeader()) {
      signalGroup(ref.pid(), force);
    }
    for (ProcessHandle descendant : descendants) {
      if (force) {
        descendant.destroyForcibly();
      } else {
        descendant.destroy();
      }
    }
    if (force) {
      root.get().destroyForcibly();
    }
  }

  /**
   * Kills what is left of a group right after its wrapper exited (grandchildren that outlived the workload).
   * Only called while the group id cannot have been recycled: its leader was ours moments ago.
   */
  static void killLeftovers(ProcessRef ref) {
    if (ref.groupLeader()) {
      signalGroup(ref.pid(), true);
    }
  }

  private static void signalGroup(long pgid, boolean force) {
    Optional<Path> kill = Wrapper.killCommand();
    if (kill.isEmpty()) {
      return;
    }
    try {
      Process process = new ProcessBuilder(kill.get().toString(), "-s", force ? "KILL" : "TERM", "--", "-" + pgid)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      LOG.debug("Signalling process group {} failed: {}", pgid, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the wrapper has exited, at most {@code timeout}. Uses the {@link Process} when this JVM is the
   * parent (exact and immediate), otherwise polls the pid.
   *
   * @return true when it has exited
   */
  static boolean awaitExit(ProcessRef ref, Optional<Process> child, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (child.isPresent()) {
      try {
        return child.get().waitFor(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !child.get().isAlive();
      }
    }
    long pause = TimeUnit.MILLISECONDS.toNanos(5);
    while (isAlive(ref)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, pause));
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
    }
    return true;
  }
}
