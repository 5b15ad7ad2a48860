package dev.berth.runtime.core.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans {@link FleetEvent}s out to subscribers. Each subscriber has a bounded queue and a thread of its own:
 * publishing never waits, and a full queue drops the event and counts it, so a slow or stuck subscriber
 * costs the reconciler nothing but the drops.
 */
final class EventHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final Duration JOIN = Duration.ofSeconds(5);

  private final String threadPrefix;
  private final int capacity;
  private final List<Sub> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicInteger threads = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  EventHub(String threadPrefix, int capacity) {
    this.threadPrefix = threadPrefix;
    this.capacity = capacity;
  }

  /** Whether anyone listens: when nobody does, callers need not build events at all. */
  boolean hasSubscribers() {
    return !subscriptions.isEmpty();
  }

  void publish(FleetEvent event) {
    for (Sub sub : subscriptions) {
      if (!sub.queue.offer(event)) {
        sub.dropped.incrementAndGet();
        if (dropped.getAndIncrement() == 0) {
          LOG.warn("A fleet event subscriber of {} cannot keep up: its queue of {} events is full and events are "
              + "dropped (counted by Reconciler.droppedEvents); make the subscriber hand events off faster",
              threadPrefix, capacity);
        }
      }
    }
  }

  Reconciler.Subscription subscribe(Consumer<FleetEvent> listener) {
    Sub sub = new Sub(Objects.requireNonNull(listener, "listener"),
        threadPrefix + "-events-" + threads.incrementAndGet());
    subscriptions.add(sub);
    sub.thread.start();
    return sub;
  }

  long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    subscriptions.forEach(Sub::close);
  }

  /** One subscriber: its queue and the daemon thread that feeds it, in order. */
  private final class Sub implements Reconciler.Subscription {
    private final Consumer<FleetEvent> listener;
    private final BlockingQueue<FleetEvent> queue = new LinkedBlockingQueue<>(capacity);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private boolean warned;

    Sub(Consumer<FleetEvent> listener, String name) {
      this.listener = listener;
      this.thread = new Thread(this::deliver, name);
      this.thread.setDaemon(true);
    }

    private void deliver() {
      while (!closed) {
        FleetEvent event;
        try {
          event = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          if (!warned) {
            warned = true;
            LOG.warn("A fleet event subscriber ({}) threw; it keeps receiving events, later errors are logged at "
                + "DEBUG", thread.getName(), e);
          } else {
            LOG.debug("A fleet event subscriber ({}) threw", thread.getName(), e);
          }
        }
      }
    }

    @Override
    public long dropped() {
      return dropped.get();
    }

    @Override
    public void close() {
      closed = true;
      subscriptions.remove(this);
      thread.interrupt();
      if (Thread.currentThread() != thread) {
        try {
          thread.join(JOIN.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
