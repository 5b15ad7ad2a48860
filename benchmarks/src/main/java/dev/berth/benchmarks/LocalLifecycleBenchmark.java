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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Local runtime: create+start+stop+delete of a {@code sleep} bot against a bare {@link ProcessBuilder}
 * start + destroy + wait of the same command, interleaved; then the heap cost of 1,000 idle managed bots.
 */
final class LocalLifecycleBenchmark {
  private static final int CYCLES = 100;
  private static final int WARM_UP = 10;
  private static final int IDLE_BOTS = 1000;
  private static final List<String> SLEEP = List.of("sleep", "100000");

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

  private static void heapPerBot(Path stateDir) throws InterruptedException {
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
      long t2 = System.nanoTime();
      for (int i = 0; i < IDLE_BOTS; i++) {
        runtime.stop("idle-" + i, Duration.ofSeconds(10));
      }
      long t3 = System.nanoTime();
      System.out.printf(Locale.ROOT, "Local: %d idle bots (%d running): started in %.1f s, list() median %.1f ms, "
          + "stopped in %.1f s; heap %.1f KiB per bot%n", IDLE_BOTS, running, (t1 - t0) / 1e9,
          listed.medianMillis(), (t3 - t2) / 1e9, (after - before) / 1024.0 / IDLE_BOTS);
      for (int i = 0; i < IDLE_BOTS; i++) {
        runtime.delete("idle-" + i);
      }
    }
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
