package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.core.fleet.ReconcileReport.Trigger;
import dev.berth.runtime.core.internal.LoopThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's own thread: runs a pass when the interval has passed since the last one, shortly after the
 * runtime reports an exit or removal (events arriving together share one pass), and when a bot's restart
 * backoff ends. Passes started by it are at least the event delay apart, so a storm of events cannot keep the
 * runtime busy with back-to-back passes.
 */
final class ReconcileLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
  private static final Duration JOIN = Duration.ofSeconds(30);
  private static final Set<EventManager.EventType> WAKING_EVENTS = EnumSet.of(EventManager.EventType.EXITED,
      EventManager.EventType.FAILED, EventManager.EventType.OOM_KILLED, EventManager.EventType.STOPPED,
      EventManager.EventType.DELETED);

  private final Settings settings;
  private final Supervision supervision;
  private final Consumer<Trigger> pass;
  private final Thread thread;
  private final List<EventManager.Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean stopped;
  private boolean eventPending;
  private long eventDue;
  private long scheduleDue;
  private long notBefore;
  private Instant lastPassStart = Instant.MIN;

  ReconcileLoop(Settings settings, Supervision supervision, Consumer<Trigger> pass) {
    this.settings = settings;
    this.supervision = supervision;
    this.pass = pass;
    this.thread = new Thread(this::loop, "berth-reconciler-" + settings.name());
    this.thread.setDaemon(true);
  }

  /** Starts the thread; its first pass runs at once. */
  void start() {
    lock.lock();
    try {
      scheduleDue = System.nanoTime();
    } finally {
      lock.unlock();
    }
    thread.start();
  }

  /** The runtime reported something a pass should look at. */
  void eventArrived() {
    lock.lock();
    try {
      if (!eventPending) {
        eventPending = true;
        eventDue = System.nanoTime() + settings.eventDelay().toNanos();
        wake.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** A pass that began at {@code startedAt} ended, whoever ran it: the interval counts from now. */
  void passEnded(Instant startedAt) {
    lock.lock();
    try {
      long now = System.nanoTime();
      lastPassStart = startedAt;
      scheduleDue = now + settings.interval().toNanos();
      notBefore = now + settings.eventDelay().toNanos();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Subscribes to the runtime's bot events of the owned segments, if it has an {@link EventManager}: an exit
   * or removal wakes the loop. Returns whether it did.
   */
  boolean subscribeToRuntimeEvents() {
    Optional<EventManager> manager;
    try {
      manager = settings.runtime().feature(EventManager.class);
    } catch (RuntimeException e) {
      LOG.warn("{} reacts to bot events only at its interval: the runtime's events are not available ({})",
          settings.name(), e.getMessage());
      return false;
    }
    if (manager.isEmpty()) {
      return false;
    }
    List<BotFilter> filters = settings.segments().isEmpty() ? List.of(BotFilter.ALL)
        : settings.segments().stream().map(segment -> BotFilter.builder().segment(segment).build()).toList();
    for (BotFilter filter : filters) {
      try {
        subscriptions.add(manager.get().subscribe(filter, event -> {
          if (WAKING_EVENTS.contains(event.type())) {
            eventArrived();
          }
        }));
      } catch (RuntimeException e) {
        LOG.warn("{} could not subscribe to the runtime's bot events ({}); it reconciles at its interval",
            settings.name(), e.getMessage());
      }
    }
    return !subscriptions.isEmpty();
  }

  /** Stops the thread, waiting for a pass that is running to end (it stops between two steps). */
  void stop() {
    subscriptions.forEach(subscription -> {
      try {
        subscription.close();
      } catch (RuntimeException e) {
        LOG.debug("Closing a runtime event subscription of {} failed", settings.name(), e);
      }
    });
    lock.lock();
    try {
      stopped = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    LoopThreads.awaitEnd(thread, JOIN, LOG, "a runtime call seems stuck");
  }

  private void loop() {
    while (true) {
      Trigger trigger;
      try {
        trigger = next();
      } catch (InterruptedException e) {
        return;
      }
      if (trigger == null) {
        return;
      }
      try {
        pass.accept(trigger);
      } catch (RuntimeException e) {
        LOG.warn("A reconcile pass of {} failed; the next one runs in {} s", settings.name(),
            settings.interval().toSeconds(), e);
        passEnded(settings.clock().instant());
      }
    }
  }

  /** Waits for the next reason to run a pass; null once stopped. */
  private Trigger next() throws InterruptedException {
    lock.lock();
    try {
      while (!stopped) {
        long now = System.nanoTime();
        long wait;
        if (now - notBefore < 0) {
          wait = notBefore - now;
        } else if (eventPending && now - eventDue >= 0) {
          eventPending = false;
          return Trigger.EVENT;
        } else if (now - scheduleDue >= 0) {
          return Trigger.INTERVAL;
        } else {
          wait = scheduleDue - now;
          if (eventPending) {
            wait = Math.min(wait, eventDue - now);
          }
          Optional<Instant> backoff = supervision.nextAttemptAfter(lastPassStart);
          if (backoff.isPresent()) {
            Duration until = Duration.between(settings.clock().instant(), backoff.get());
            if (until.isNegative() || until.isZero()) {
              return Trigger.BACKOFF;
            }
            wait = Math.min(wait, until.toNanos());
          }
        }
        wake.await(wait, TimeUnit.NANOSECONDS);
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Named daemon threads (a reconciler must never keep the JVM from exiting), each added to {@code created} so
   * that close can wait for them to end.
   */
  static ThreadFactory daemonThreads(String prefix, List<Thread> created) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      created.add(thread);
      return thread;
    };
  }
}
