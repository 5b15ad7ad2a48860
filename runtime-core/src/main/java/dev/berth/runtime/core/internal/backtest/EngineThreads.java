package dev.berth.runtime.core.internal.backtest;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's threads, all daemons and all named after the backend and scope: one scheduler (deadlines,
 * sweeps), a pool for stops (a stop waits out a grace, which no caller should), and one thread per backtest.
 * {@link #close()} ends every one of them.
 */
final class EngineThreads {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final String prefix;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService stopper;
  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();

  EngineThreads(String type, String scope) {
    this.prefix = "berth-" + type + "-backtest";
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon(prefix + "s-" + scope, false));
    this.stopper = Executors.newCachedThreadPool(daemon(prefix + "s-" + scope + "-stop-", true));
  }

  /** Runs {@code task} after {@code delay} on the scheduler. */
  Future<?> schedule(Runnable task, Duration delay) {
    return scheduler.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} every {@code interval} on the scheduler. */
  void every(Duration interval, Runnable task) {
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Runs a stop on the pool; false once closing (the next runner then enforces the deadline). */
  boolean stop(Runnable task) {
    try {
      stopper.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Starts the thread of backtest {@code id}. */
  Thread startWorker(String id, Runnable work) {
    Thread[] self = new Thread[1];
    self[0] = new Thread(() -> {
      try {
        work.run();
      } finally {
        workers.remove(self[0]);
      }
    }, prefix + "-" + id);
    self[0].setDaemon(true);
    workers.add(self[0]);
    self[0].start();
    return self[0];
  }

  /** Stops the scheduler and the pool, interrupts the backtest threads and waits briefly for all of them. */
  void close() {
    scheduler.shutdownNow();
    stopper.shutdownNow();
    workers.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    try {
      for (Thread worker : workers) {
        worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
      scheduler.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      stopper.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon(String name, boolean numbered) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, numbered ? name + count.incrementAndGet() : name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
