package dev.berth.runtime.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time of one {@link MockEngine}: a base clock plus the time skipped so far, and the timed events of the
 * engine's workloads (a backtest's scripted end or timeout, a bot's delayed exit) on that time.
 *
 * <p>Time runs as the base clock runs. On top of that it jumps: {@link #skip} moves it forward at once, and
 * in virtual mode every wait of a mock (a stop's grace, a wait for a backtest) is a skip instead of a sleep,
 * so nothing in a mock is slow. Events fire on one daemon thread, started while events are pending and ended
 * when none are; they never run on the thread that skipped, which may hold a bot's lock.
 */
final class MockTime {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Clock base;
  private final boolean virtual;
  private final Object lock = new Object();
  private final PriorityQueue<Event> events = new PriorityQueue<>(
      Comparator.comparingLong((Event event) -> event.due).thenComparingLong(event -> event.sequence));
  private final AtomicLong sequence = new AtomicLong();
  private long skippedNanos;
  private Thread timer;

  MockTime(Clock base, boolean virtual) {
    this.base = Objects.requireNonNull(base, "clock");
    this.virtual = virtual;
  }

  /** A pending event; {@link #cancel()} is idempotent. */
  final class Event {
    private final long due;
    private final long sequence;
    private final Runnable action;

    private Event(long due, long sequence, Runnable action) {
      this.due = due;
      this.sequence = sequence;
      this.action = action;
    }

    /** When it falls due, in {@link #ticks()}. */
    long due() {
      return due;
    }

    void cancel() {
      synchronized (lock) {
        if (events.remove(this)) {
          lock.notifyAll();
        }
      }
    }
  }

  boolean virtual() {
    return virtual;
  }

  /** The clock: the base clock plus the skipped time. */
  Clock clock() {
    return new SkippingClock(base);
  }

  Instant now() {
    return base.instant().plusNanos(skipped());
  }

  /** Monotonic time in nanoseconds, including the skipped time; only differences mean something. */
  long ticks() {
    return System.nanoTime() + skipped();
  }

  private long skipped() {
    synchronized (lock) {
      return skippedNanos;
    }
  }

  /** Runs {@code action} on the event thread once {@code delay} has passed. */
  Event schedule(Duration delay, Runnable action) {
    synchronized (lock) {
      Event event = new Event(due(delay), sequence.incrementAndGet(), action);
      events.add(event);
      if (timer == null) {
        timer = new Thread(this::fire, "berth-mock-time-" + THREADS.incrementAndGet());
        timer.setDaemon(true);
        timer.start();
      }
      lock.notifyAll();
      return event;
    }
  }

  /** When an event {@code delay} from now falls due; a delay too long for a long of nanoseconds never does. */
  private long due(Duration delay) {
    long now = ticks();
    long nanos;
    try {
      nanos = Math.max(0, delay.toNanos());
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
  }

  /** Moves the time forward by {@code amount} at once; events that fall due fire (on the event thread). */
  void skip(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("Time only moves forward; " + amount + " is negative");
    }
    synchronized (lock) {
      skippedNanos += amount.toNanos();
      lock.notifyAll();
    }
  }

  /** Moves the time forward to {@code ticks} unless it is there already. */
  void skipTo(long target) {
    synchronized (lock) {
      long ahead = target - ticks();
      if (ahead > 0) {
        skippedNanos += ahead;
        lock.notifyAll();
      }
    }
  }

  /** A wait of the mock itself: skipped in virtual mode, slept in real time. */
  void pass(Duration amount) {
    if (virtual) {
      skip(amount);
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(amount.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void fire() {
    while (true) {
      Event next;
      synchronized (lock) {
        while (true) {
          next = events.peek();
          if (next == null) {
            timer = null;
            return;
          }
          long wait = next.due == Long.MAX_VALUE ? Long.MAX_VALUE : next.due - ticks();
          if (wait <= 0) {
            events.poll();
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(lock, wait);
          } catch (InterruptedException e) {
            timer = null;
            return;
          }
        }
      }
      try {
        next.action.run();
      } catch (RuntimeException e) {
        // The workload was deleted or changed meanwhile: the event no longer applies.
      }
    }
  }

  /** A view of the time as a {@link Clock}, in the base clock's zone or another. */
  private final class SkippingClock extends Clock {
    private final Clock zoned;

    SkippingClock(Clock zoned) {
      this.zoned = zoned;
    }

    @Override
    public ZoneId getZone() {
      return zoned.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return new SkippingClock(zoned.withZone(zone));
    }

    @Override
    public Instant instant() {
      return zoned.instant().plusNanos(skipped());
    }

    @Override
    public String toString() {
      return "MockEngine clock (" + zoned + " + " + Duration.ofNanos(skipped()) + " skipped)";
    }
  }
}
