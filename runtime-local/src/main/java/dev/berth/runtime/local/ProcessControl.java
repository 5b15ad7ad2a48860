package dev.berth.runtime.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Finds, signals and waits for a workload's process tree, safely across JVMs and cheaply enough to watch
 * thousands of bots.
 *
 * <p>A pid alone is not an identity: after the process dies the number is recycled. A {@link ProcessRef}
 * therefore also holds the process start time. On Linux that is the exact start tick from
 * {@code /proc/<pid>/stat} (field 22), so one small file read answers "is this still my process, and not a
 * zombie?"; elsewhere {@link ProcessHandle.Info#startInstant()} plus the wrapper's command line (which holds
 * the run directory) is compared.
 *
 * <p>Signals go to every process of the tree, found by walking {@code /proc/<pid>/task/<tid>/children}
 * (falling back to {@link ProcessHandle#descendants()}), via {@link ProcessHandle#destroy()}, which itself
 * re-checks the start time, so a recycled pid is never signalled. No external {@code kill} is spawned:
 * processes that escaped the tree (double-forked daemons) are still in the wrapper's process group and are
 * killed by the wrapper itself once the workload has exited (see {@link Wrapper}).
 */
final class ProcessControl {
  private static final long START_TOLERANCE_MILLIS = 1000;
  private static final long EXEC_WAIT_SECONDS = 5;
  /** How long {@link #awaitWorkload} polls at a fine grain before it backs off. */
  private static final long AWAIT_FINE_NANOS = 200_000_000;
  private static final Path PROC = Path.of("/proc");
  private static final boolean PROC_CHILDREN = Files.exists(PROC.resolve("self/task")) && Files.exists(
      PROC.resolve("self/task").resolve(Long.toString(ProcessHandle.current().pid())).resolve("children"));

  private ProcessControl() {}

  /**
   * The identity of a started wrapper.
   *
   * @param pid the wrapper's pid
   * @param startMillis its start time in epoch milliseconds
   * @param startTicks its start time in clock ticks since boot ({@code /proc/<pid>/stat} field 22), 0 if unknown
   * @param groupLeader whether it leads its own process group (pgid = pid)
   * @param runDir the run directory it was given, part of its command line; null for processes that are
   *     not wrappers
   */
  record ProcessRef(long pid, long startMillis, long startTicks, boolean groupLeader, Path runDir) {}

  /** The identity of a process this JVM just started. */
  static ProcessRef refOf(Process process, Path runDir, boolean groupLeader) {
    long start = process.info().startInstant().map(java.time.Instant::toEpochMilli)
        .orElseGet(System::currentTimeMillis);
    long ticks = procStat(process.pid()).map(ProcStat::startTicks).orElse(0L);
    return new ProcessRef(process.pid(), start, ticks, groupLeader, runDir);
  }

  /** Whether the process is alive and really the one {@code ref} names (not exited, not a zombie, not reused). */
  static boolean isAlive(ProcessRef ref) {
    if (ref.startTicks() > 0) {
      Optional<ProcStat> stat = procStat(ref.pid());
      return stat.isPresent() && stat.get().startTicks() == ref.startTicks() && !stat.get().exited();
    }
    return find(ref).isPresent();
  }

  /** The live process that {@code ref} names, or empty. */
  static Optional<ProcessHandle> find(ProcessRef ref) {
    Optional<ProcessHandle> handle = ProcessHandle.of(ref.pid()).filter(ProcessHandle::isAlive);
    if (handle.isEmpty()) {
      return handle;
    }
    if (ref.startTicks() > 0) {
      return isAlive(ref) ? handle : Optional.empty();
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

  /**
   * Sends SIGTERM (or SIGKILL when {@code force}) to every process below the wrapper. The wrapper itself is
   * spared: it records the exit code once the workload is gone, then ends what is left of its group.
   */
  static void signalTree(ProcessRef ref, boolean force) {
    if (!isAlive(ref)) {
      return;
    }
    if (!force && ref.runDir() != null) {
      awaitWorkload(ref);
    }
    for (long pid : descendants(ref.pid())) {
      ProcessHandle.of(pid).ifPresent(process -> {
        if (force) {
          process.destroyForcibly();
        } else {
          process.destroy();
        }
      });
    }
  }

  /**
   * Waits (at most {@value #EXEC_WAIT_SECONDS} s) until the wrapper's child has exec'd the workload. Until then
   * a SIGTERM would reach only shells carrying the wrapper's no-op trap, which would swallow it, and the
   * workload would start unaware of the stop. A forked child is not enough: until its exec it is a copy of the
   * wrapper shell (same trap, same command line), so this waits until the child no longer runs the wrapper
   * script. {@code start} does not wait for this (a fleet of starts would pay for every exec in turn); a stop
   * right after a start does, from any JVM, since it reads only {@code /proc}.
   */
  static void awaitWorkload(ProcessRef ref) {
    String wrapperCommandLine = Wrapper.shellCommandLinePrefix();
    long begin = System.nanoTime();
    long deadline = begin + TimeUnit.SECONDS.toNanos(EXEC_WAIT_SECONDS);
    long pause = 100_000;
    while (isAlive(ref) && System.nanoTime() < deadline) {
      Optional<Long> child = descendants(ref.pid()).stream().findFirst();
      if (child.flatMap(ProcessControl::commandLine).filter(line -> !line.startsWith(wrapperCommandLine))
          .isPresent()) {
        return;
      }
      LockSupport.parkNanos(pause);
      // The exec usually lands within a few ms: a pause that doubled past it would make the stop wait up to
      // twice as long as the exec took. A poll is two small /proc reads, so poll often at first.
      pause = Math.min(pause * 2, System.nanoTime() - begin < AWAIT_FINE_NANOS ? 1_000_000 : 20_000_000);
    }
  }

  /** The process's command line, arguments separated by NUL as in /proc, else as the JDK reports it. */
  private static Optional<String> commandLine(long pid) {
    if (PROC_CHILDREN) {
      try {
        return Optional.of(new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline")),
            StandardCharsets.UTF_8));
      } catch (IOException e) {
        return Optional.empty(); // exited meanwhile
      }
    }
    return ProcessHandle.of(pid).flatMap(handle -> handle.info().arguments().map(arguments ->
        handle.info().command().orElse("") + "\0" + String.join("\0", arguments)));
  }

  /** SIGKILL to the wrapper and its whole tree: for a wrapper that must not outlive a stop (rare). */
  static void killAll(ProcessRef ref) {
    signalTree(ref, true);
    if (isAlive(ref)) {
      ProcessHandle.of(ref.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** The pids below {@code pid}, parents before children. */
  static List<Long> descendants(long pid) {
    if (!PROC_CHILDREN) {
      return ProcessHandle.of(pid).map(h -> h.descendants().map(ProcessHandle::pid).toList()).orElse(List.of());
    }
    List<Long> found = new ArrayList<>();
    ArrayDeque<Long> queue = new ArrayDeque<>();
    queue.add(pid);
    while (!queue.isEmpty() && found.size() < 100_000) {
      long parent = queue.poll();
      for (long child : children(parent)) {
        found.add(child);
        queue.add(child);
      }
    }
    return found;
  }

  private static List<Long> children(long pid) {
    List<Long> children = new ArrayList<>();
    Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) threads::iterator) {
        String text = Files.readString(task.resolve("children")).trim();
        if (!text.isEmpty()) {
          for (String child : text.split("\\s+")) {
            children.add(Long.parseLong(child));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process (or one of its threads) ended while we looked: it has no children to signal
    }
    return children;
  }

  /** The start tick and run state of a process, from {@code /proc/<pid>/stat}. */
  record ProcStat(char state, long startTicks) {
    boolean exited() {
      return state == 'Z' || state == 'X' || state == 'x';
    }
  }

  static Optional<ProcStat> procStat(long pid) {
    try {
      String text = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      int close = text.lastIndexOf(')'); // the command name may contain spaces and parentheses
      String[] fields = text.substring(close + 2).split(" ");
      // fields[0] is field 3 (state); field 22 (starttime) is fields[19]
      return Optional.of(new ProcStat(fields[0].charAt(0), Long.parseLong(fields[19])));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits until the wrapper has exited, at most {@code timeout}. Uses the {@link Process} when this JVM is the
   * parent (exact and immediate), otherwise polls.
   *
   * @return true when it has exited
   */
  static boolean awaitExit(ProcessRef ref, Optional<Process> child, Duration timeout) {
    if (child.isPresent()) {
      try {
        return child.get().waitFor(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !child.get().isAlive();
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = TimeUnit.MILLISECONDS.toNanos(2);
    while (isAlive(ref)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, pause));
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(25));
    }
    return true;
  }
}
