package dev.berth.runtime.local;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Prints (never asserts) what a fleet of local bots costs: the time to start and stop 100 bots, and the
 * heap per managed bot with 1,000 idle {@code sleep} bots, for a runtime that started them and for one that
 * re-adopted them. Run by hand, it starts thousands of processes:
 *
 * <pre>
 * ./mvnw -q -pl runtime-local test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *     -Dexec.args="-Xmx512m -cp %classpath dev.berth.runtime.local.LocalFleetMeasurement"
 * </pre>
 */
public final class LocalFleetMeasurement {
  private LocalFleetMeasurement() {}

  public static void main(String[] args) throws Exception {
    int timed = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int idle = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Path stateDir = Files.createTempDirectory("berth-fleet");
    try {
      startAndStop(stateDir, timed);
      heapPerBot(stateDir, idle);
    } finally {
      AtomicFiles.deleteTree(stateDir);
    }
  }

  private static BotSpec sleeper(String id) {
    return BotSpec.builder(id).command("sleep", "100000").build();
  }

  private static void startAndStop(Path stateDir, int count) {
    try (LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("timed").build()) {
      for (int i = 0; i < 5; i++) { // warm up the JIT and the file system paths
        runtime.create(sleeper("warm-" + i));
        runtime.start("warm-" + i);
        runtime.delete("warm-" + i);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        runtime.create(sleeper("bot-" + i));
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        runtime.start("bot-" + i);
      }
      long t2 = System.nanoTime();
      long running = runtime.list().stream().filter(s -> s.state() == BotState.RUNNING).count();
      long t3 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        runtime.stop("bot-" + i, Duration.ofSeconds(10));
      }
      long t4 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        runtime.delete("bot-" + i);
      }
      long t5 = System.nanoTime();
      System.out.printf(Locale.ROOT, "%d bots: create %s, start %s (%d running), list %s, stop %s, delete %s%n",
          count, ms(t1 - t0, count), ms(t2 - t1, count), running, ms(t3 - t2, 1), ms(t4 - t3, count),
          ms(t5 - t4, count));
    }
  }

  private static void heapPerBot(Path stateDir, int count) throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedHeap(memory);
    LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope("idle").build();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      runtime.create(sleeper("idle-" + i));
      runtime.start("idle-" + i);
    }
    long t1 = System.nanoTime();
    long withBots = usedHeap(memory);
    System.out.printf(Locale.ROOT, "%d idle bots started in %s; heap %.1f MiB -> %.1f MiB: %.1f KiB per bot "
        + "(started by this runtime)%n", count, ms(t1 - t0, count), mib(before), mib(withBots),
        (withBots - before) / 1024.0 / count);
    double cpu = supervisorCpu(Duration.ofSeconds(10));
    System.out.printf(Locale.ROOT, "supervisor thread CPU while %d bots idle: %.1f%% of one core%n", count, cpu);
    runtime.close();
    long closed = usedHeap(memory);
    LocalRuntime adopted = LocalRuntime.builder().stateDir(stateDir).scope("idle").build();
    long running = adopted.list().stream().filter(s -> s.state() == BotState.RUNNING).count();
    long withAdopted = usedHeap(memory);
    System.out.printf(Locale.ROOT, "re-adopted %d running bots: %.1f KiB per bot (adopted, no Process objects)%n",
        running, (withAdopted - closed) / 1024.0 / count);
    long t2 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      adopted.delete("idle-" + i);
    }
    long t3 = System.nanoTime();
    System.out.printf(Locale.ROOT, "%d adopted bots stopped and deleted in %s%n", count, ms(t3 - t2, count));
    adopted.close();
  }

  private static double supervisorCpu(Duration window) throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long id = -1;
    for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
      if (info.getThreadName().startsWith("berth-local-supervisor-idle")) {
        id = info.getThreadId();
      }
    }
    long cpu0 = threads.getThreadCpuTime(id);
    long wall0 = System.nanoTime();
    new java.util.concurrent.CountDownLatch(1).await(window.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return 100.0 * (threads.getThreadCpuTime(id) - cpu0) / (System.nanoTime() - wall0);
  }

  private static long usedHeap(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      new java.util.concurrent.CountDownLatch(1).await(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static String ms(long nanos, int count) {
    return String.format(Locale.ROOT, "%.0f ms (%.2f ms each)", nanos / 1e6, nanos / 1e6 / count);
  }

  private static double mib(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }
}
