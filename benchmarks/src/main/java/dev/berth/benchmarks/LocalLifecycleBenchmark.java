package dev.berth.benchmarks;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.local.LocalRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Local runtime: create+start+stop+delete of a {@code sleep} bot against a bare {@link ProcessBuilder}
 * start + destroy + wait of the same command, interleaved; then 1,000 idle managed bots: started one after
 * another against as many bare {@link ProcessBuilder} starts, listed, left idle (the supervisor thread's CPU),
 * stopped, their heap, and started and stopped again from several threads.
 */
final class LocalLifecycleBenchmark {
  private static final int CYCLES = 100;
  private static final int WARM_UP = 10;
  private static final int IDLE_BOTS = 1000;
  private static final List<String> SLEEP = List.of("sleep", "100000");
  private static final int IDLE_SECONDS = 10;
  private static final int THREADS = 4;

  private LocalLifecycleBenchmark() {}

  static void run() throws Exception {
    Path stateDir = Files.createTempDirectory("berth-bench-local");
    try {
      lifecycle(stateDir);
      heapPerBot(stateDir);
    } finally {
      Directories.deleteRecursively(stateDir);
    }
  }

  private static void lifecycle(Path stateDir) throws Exception {
    Samples raw = new Samples("ProcessBuilder", CYCLES);
    Samples berth = new Samples("berth local", CYCLES);
    try (LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("cycle").build()) {
      for (int i = -WARM_UP; i < CYCLES; i++) {
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(SLEEP).start();
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        long t1 = System.nanoTime();
        String id = "bot-" + (i + WARM_UP);
        runtime.create(BotSpec.builder(id).command(SLEEP).build());
        runtime.start(id);
        runtime.stop(id, Duration.ofSeconds(10));
        runtime.delete(id);
        long t2 = System.nanoTime();
        if (i >= 0) {
          raw.add(t1 - t0);
          berth.add(t2 - t1);
        }
      }
    }
    System.out.println("Local: start + stop of one sleep process (" + CYCLES + " cycles, interleaved)");
    System.out.println(Samples.HEADER);
    System.out.println(raw.row(raw));
    System.out.println(berth.row(raw));
  }

  private static void heapPerBot(Path stateDir) throws Exception {
    long raw = rawStarts();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedHeap(memory);
    try (LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("idle").build()) {
      long t0 = System.nanoTime();
      for (int i = 0; i < IDLE_BOTS; i++) {
        runtime.create(BotSpec.builder("idle-" + i).command(SLEEP).build());
        runtime.start("idle-" + i);
      }
      long t1 = System.nanoTime();
      long running = runtime.list().stream().filter(s -> s.state() == BotState.RUNNING).count();
      long after = usedHeap(memory);
      Samples listed = new Samples("berth list() of " + IDLE_BOTS + " running bots", 10);
      for (int i = -2; i < 10; i++) {
        long l0 = System.nanoTime();
        runtime.list();
        if (i >= 0) {
          listed.add(System.nanoTime() - l0);
        }
      }
      long cpu0 = supervisorCpu();
      long idle0 = System.nanoTime();
      new CountDownLatch(1).await(IDLE_SECONDS, TimeUnit.SECONDS);
      double supervisorShare = (supervisorCpu() - cpu0) / (double) (System.nanoTime() - idle0);
      long t2 = System.nanoTime();
      for (int i = 0; i < IDLE_BOTS; i++) {
        runtime.stop("idle-" + i, Duration.ofSeconds(10));
      }
      long t3 = System.nanoTime();
      System.out.printf(Locale.ROOT, "Local: %d idle bots (%d running): started in %.1f s (%.2fx the %.1f s of %d bare "
          + "ProcessBuilder starts), list() median %.1f ms, stopped in %.1f s; heap %.1f KiB per bot; supervisor "
          + "thread %.1f %% of a core while they idle%n", IDLE_BOTS, running, (t1 - t0) / 1e9,
          (t1 - t0) / (double) raw, raw / 1e9, IDLE_BOTS, listed.medianMillis(), (t3 - t2) / 1e9,
          (after - before) / 1024.0 / IDLE_BOTS, supervisorShare * 100);
      concurrentStarts(runtime);
      for (int i = 0; i < IDLE_BOTS; i++) {
        runtime.delete("idle-" + i);
      }
    }
  }

  /** The baseline of the fleet start: the same number of bare ProcessBuilder starts, one after another. */
  private static long rawStarts() throws InterruptedException, java.io.IOException {
    List<Process> processes = new ArrayList<>(IDLE_BOTS);
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < IDLE_BOTS; i++) {
        processes.add(new ProcessBuilder(SLEEP).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
            "/dev/null"))).start());
      }
      return System.nanoTime() - t0;
    } finally {
      processes.forEach(Process::destroy);
      for (Process process : processes) {
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The stopped bots started again from {@value #THREADS} threads, then stopped from as many. */
  private static void concurrentStarts(LocalRuntime runtime) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      long t0 = System.nanoTime();
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < IDLE_BOTS; i++) {
        String id = "idle-" + i;
        started.add(pool.submit(() -> runtime.start(id)));
      }
      for (Future<?> future : started) {
        future.get();
      }
      long t1 = System.nanoTime();
      List<Future<?>> stopped = new ArrayList<>();
      for (int i = 0; i < IDLE_BOTS; i++) {
        String id = "idle-" + i;
        stopped.add(pool.submit(() -> runtime.stop(id, Duration.ofSeconds(10))));
      }
      for (Future<?> future : stopped) {
        future.get();
      }
      System.out.printf(Locale.ROOT, "Local: the same %d bots started again with %d threads in %.1f s, stopped with "
          + "%d threads in %.1f s%n", IDLE_BOTS, THREADS, (t1 - t0) / 1e9, THREADS, (System.nanoTime() - t1) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  /** CPU time of the runtime's supervisor thread(s), in ns. */
  private static long supervisorCpu() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (java.lang.management.ThreadInfo info : threads.dumpAllThreads(false, false)) {
      if (info.getThreadName().startsWith("berth-local-supervisor-")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  /** The least used heap seen after each of five full GCs: the heap the live objects hold. */
  static long usedHeap(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      new CountDownLatch(1).await(100, TimeUnit.MILLISECONDS);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

}
