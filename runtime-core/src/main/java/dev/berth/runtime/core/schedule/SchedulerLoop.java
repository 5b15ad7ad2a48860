package dev.berth.runtime.core.schedule;

import dev.berth.runtime.core.internal.LoopThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's own daemon thread: fires due ticks, then waits until the next one is due, but never longer
 * than the check interval, so that a clock that jumps (a suspended machine, a test's virtual clock) is noticed.
 */
final class SchedulerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerLoop.class);
  private static final Duration JOIN = Duration.ofSeconds(30);

  private final Clock clock;
  private final Duration checkEvery;
  private final Runnable fireDue;
  private final Supplier<Optional<Instant>> nextDue;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean stopped;
  private boolean woken;

  SchedulerLoop(String name, Clock clock, Duration checkEvery, Runnable fireDue,
      Supplier<Optional<Instant>> nextDue) {
    this.clock = clock;
    this.checkEvery = checkEvery;
    this.fireDue = fireDue;
    this.nextDue = nextDue;
    this.thread = new Thread(this::loop, "berth-scheduler-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean started() {
    return thread.isAlive();
  }

  /** The schedules changed: look again at once. */
  void wake() {
    lock.lock();
    try {
      woken = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread; a submission in progress ends first. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    LoopThreads.awaitEnd(thread, JOIN, LOG, "a submission seems stuck");
  }

  private void loop() {
    while (awaitNextCheck()) {
      try {
        fireDue.run();
      } catch (RuntimeException e) {
        LOG.warn("Firing the due schedules on {} failed; retrying at the next check", thread.getName(), e);
      }
    }
  }

  /** Waits until a tick may be due; false once stopped. */
  private boolean awaitNextCheck() {
    lock.lock();
    try {
      Duration wait = nextDue.get().map(due -> Duration.between(clock.instant(), due)).orElse(checkEvery);
      if (wait.compareTo(checkEvery) > 0) {
        wait = checkEvery;
      }
      long nanos = wait.isNegative() ? 0 : wait.toNanos();
      while (!stopped && !woken && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      woken = false;
      return !stopped;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }
}
