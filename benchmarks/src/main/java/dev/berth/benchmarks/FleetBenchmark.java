package dev.berth.benchmarks;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.core.fleet.ReconcileReport;
import dev.berth.runtime.core.fleet.Reconciler;
import dev.berth.runtime.testkit.MockEngine;
import dev.berth.runtime.testkit.MockRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The reconciler at fleet scale on {@link MockRuntime}: 10,000 desired bots converging from nothing in one
 * pass, a pass over 10,000 bots with nothing to do, a pass that recreates one changed bot, and the heap the
 * reconciler holds per bot. Prints a table of median and p95; asserts only that each pass did what it should
 * (a benchmark of a pass that did nothing useful would measure nothing).
 */
final class FleetBenchmark {
  private static final int BOTS = 10_000;
  private static final int CONVERGE_RUNS = 7;
  private static final int IDLE_WARM_UP = 20;
  private static final int IDLE_RUNS = 50;
  private static final int CHANGE_RUNS = 20;

  private FleetBenchmark() {}

  static void run() throws InterruptedException {
    // A pass that acts logs at INFO; here that would only break up the table.
    System.setProperty("org.slf4j.simpleLogger.log.dev.berth.runtime.core.fleet", "warn");
    List<BotSpec> desired = desired(BOTS, 0);
    System.out.printf(Locale.ROOT, "Fleet: reconciler over %,d bots on MockRuntime (%d cores, load average %.1f, "
        + "JDK %s)%n", BOTS, java.lang.Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.vm.version"));
    System.out.printf(Locale.ROOT, "  %-40s %9s %9s %9s %11s %5s%n", "pass", "median", "p95", "max",
        "cpu median", "runs");
    for (int concurrency : new int[] {1, Reconciler.DEFAULT_CONCURRENCY}) {
      converge(desired, concurrency);
    }
    idleAndChange(desired);
    heap(desired);
  }

  /** {@code count} specs; {@code version} goes into each config, so a new version changes every spec. */
  static List<BotSpec> desired(int count, int version) {
    List<BotSpec> specs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = String.format(Locale.ROOT, "bot-%05d", i);
      specs.add(BotSpec.builder(id).image("registry.example/strategy:7").command("run", "--bot", id)
          .config("{\"symbol\":\"SYM" + (i % 500) + "\",\"version\":" + version + "}")
          .label("strategy", "momentum").restartPolicy(RestartPolicy.ALWAYS).build());
    }
    return specs;
  }

  private static MockRuntime runtime() {
    return MockRuntime.builder().engine(new MockEngine()).recording(false).build();
  }

  private static void converge(List<BotSpec> desired, int concurrency) {
    long[] nanos = new long[CONVERGE_RUNS];
    long[] cpu = new long[CONVERGE_RUNS];
    for (int run = 0; run < CONVERGE_RUNS; run++) {
      try (MockRuntime runtime = runtime();
          Reconciler reconciler = Reconciler.builder(runtime, () -> desired).concurrency(concurrency).build()) {
        long began = System.nanoTime();
        long cpuBegan = cpu();
        ReconcileReport report = reconciler.reconcileNow();
        nanos[run] = System.nanoTime() - began;
        cpu[run] = cpu() - cpuBegan;
        require(report.created().size() == BOTS && report.isComplete(), "converge", report);
        long running = runtime.list(BotFilter.builder().state(BotState.RUNNING).build()).size();
        require(running == BOTS, "converge: " + running + " running", report);
        require(reconciler.reconcileNow().isIdle(), "converge: second pass not idle", report);
      }
    }
    row("converge from empty, concurrency " + concurrency, nanos, cpu);
  }

  private static void idleAndChange(List<BotSpec> desired) {
    List<BotSpec> current = new ArrayList<>(desired);
    try (MockRuntime runtime = runtime();
        Reconciler reconciler = Reconciler.builder(runtime, () -> current).build()) {
      reconciler.reconcileNow();
      long[] idle = new long[IDLE_RUNS];
      long[] idleCpu = new long[IDLE_RUNS];
      for (int run = -IDLE_WARM_UP; run < IDLE_RUNS; run++) {
        long began = System.nanoTime();
        long cpuBegan = cpu();
        ReconcileReport report = reconciler.reconcileNow();
        long took = System.nanoTime() - began;
        long cpuTook = cpu() - cpuBegan;
        require(report.isIdle(), "idle pass", report);
        if (run >= 0) {
          idle[run] = took;
          idleCpu[run] = cpuTook;
        }
      }
      row("no-change pass, same spec objects", idle, idleCpu);
      List<List<BotSpec>> copies = List.of(desired(BOTS, 0), desired(BOTS, 0));
      long[] fresh = new long[IDLE_RUNS];
      long[] freshCpu = new long[IDLE_RUNS];
      for (int run = -IDLE_WARM_UP; run < IDLE_RUNS; run++) {
        current.clear();
        current.addAll(copies.get(Math.floorMod(run, 2)));
        long began = System.nanoTime();
        long cpuBegan = cpu();
        ReconcileReport report = reconciler.reconcileNow();
        long took = System.nanoTime() - began;
        long cpuTook = cpu() - cpuBegan;
        require(report.isIdle(), "idle pass over new spec objects", report);
        if (run >= 0) {
          fresh[run] = took;
          freshCpu[run] = cpuTook;
        }
      }
      row("no-change pass, new spec objects", fresh, freshCpu);
      current.clear();
      current.addAll(desired);
      long[] list = new long[IDLE_RUNS];
      long[] listCpu = new long[IDLE_RUNS];
      for (int run = -IDLE_WARM_UP; run < IDLE_RUNS; run++) {
        long began = System.nanoTime();
        long cpuBegan = cpu();
        int listed = runtime.list(BotFilter.ALL).size();
        long took = System.nanoTime() - began;
        long cpuTook = cpu() - cpuBegan;
        require(listed == BOTS, "list", reconciler.lastReport().orElseThrow());
        if (run >= 0) {
          list[run] = took;
          listCpu[run] = cpuTook;
        }
      }
      row("  of which MockRuntime.list", list, listCpu);
      long[] hash = new long[IDLE_RUNS];
      long[] hashCpu = new long[IDLE_RUNS];
      for (int run = -IDLE_WARM_UP; run < IDLE_RUNS; run++) {
        long began = System.nanoTime();
        long cpuBegan = cpu();
        for (BotSpec spec : current) {
          Reconciler.specHash(spec);
        }
        if (run >= 0) {
          hash[run] = System.nanoTime() - began;
          hashCpu[run] = cpu() - cpuBegan;
        }
      }
      row("  of which hashing the desired specs", hash, hashCpu);
      long[] change = new long[CHANGE_RUNS];
      long[] changeCpu = new long[CHANGE_RUNS];
      for (int run = 0; run < CHANGE_RUNS; run++) {
        int index = (run * 997) % BOTS;
        current.set(index, current.get(index).toBuilder().config("{\"changed\":" + run + "}").build());
        long began = System.nanoTime();
        long cpuBegan = cpu();
        ReconcileReport report = reconciler.reconcileNow();
        change[run] = System.nanoTime() - began;
        changeCpu[run] = cpu() - cpuBegan;
        require(report.recreated().size() == 1 && report.actions() == 1, "one change", report);
      }
      row("pass recreating 1 changed bot", change, changeCpu);
    }
  }

  /**
   * The heap the reconciler holds: used heap after a full GC with the runtime and the desired list alive,
   * without and then with the reconciler, divided by the bots.
   */
  private static void heap(List<BotSpec> desired) throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (MockRuntime runtime = runtime()) {
      try (Reconciler first = Reconciler.builder(runtime, () -> desired).build()) {
        first.reconcileNow();
      }
      long without = usedHeap(memory);
      Reconciler reconciler = Reconciler.builder(runtime, () -> desired).build();
      reconciler.reconcileNow();
      long idle = usedHeap(memory);
      for (BotSpec spec : desired) {
        runtime.crash(spec.id(), 1);
      }
      ReconcileReport restarted = reconciler.reconcileNow();
      require(restarted.restarted().size() == BOTS && restarted.isComplete(), "restart every bot", restarted);
      for (BotSpec spec : desired) {
        runtime.crash(spec.id(), 1);
      }
      ReconcileReport waiting = reconciler.reconcileNow();
      require(waiting.backingOff().size() == BOTS, "every bot backing off", waiting);
      long troubled = usedHeap(memory);
      System.out.printf(Locale.ROOT, "  heap held by the reconciler: %.0f bytes per bot after an idle pass, "
          + "%.0f bytes per bot with all %,d backing off (report of that pass included)%n",
          (idle - without) / (double) BOTS, (troubled - without) / (double) BOTS, BOTS);
      reconciler.close();
    }
  }

  private static long usedHeap(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      new CountDownLatch(1).await(100, TimeUnit.MILLISECONDS);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** One row: wall-clock median, p95 and max, and the median CPU time of the thread that ran the pass. */
  private static void row(String name, long[] nanos, long[] cpuNanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    long[] cpu = cpuNanos.clone();
    Arrays.sort(cpu);
    double median = sorted[sorted.length / 2] / 1e6;
    double p95 = sorted[(int) Math.ceil(sorted.length * 0.95) - 1] / 1e6;
    System.out.printf(Locale.ROOT, "  %-40s %6.1f ms %6.1f ms %6.1f ms %8.1f ms %5d%n", name, median, p95,
        sorted[sorted.length - 1] / 1e6, cpu[cpu.length / 2] / 1e6, sorted.length);
  }

  private static long cpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static void require(boolean condition, String what, ReconcileReport report) {
    if (!condition) {
      throw new IllegalStateException("Fleet benchmark: " + what + " did not do what it should: " + report.summary());
    }
  }
}
