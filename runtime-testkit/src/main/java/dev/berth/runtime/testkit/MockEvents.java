package dev.berth.runtime.testkit;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.EventManager.BotEvent;
import dev.berth.runtime.EventManager.EventType;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Engine-wide bot events, delivered per subscription in order on the subscription's own thread. */
final class MockEvents {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final List<Sub> subscriptions = new CopyOnWriteArrayList<>();

  void publish(String scope, BotStatus status, EventType type, String message, Instant at) {
    if (subscriptions.isEmpty()) {
      return;
    }
    boolean exit = type == EventType.EXITED || type == EventType.FAILED || type == EventType.OOM_KILLED
        || type == EventType.STOPPED;
    BotEvent event = new BotEvent(status.id(), type, at, exit ? status.exitCode() : OptionalInt.empty(), message);
    for (Sub sub : subscriptions) {
      if (sub.scope.equals(scope) && sub.filter.matches(status)) {
        sub.queue.add(event);
      }
    }
  }

  EventManager.Subscription subscribe(String scope, BotFilter filter, Consumer<BotEvent> listener) {
    Sub sub = new Sub(scope, filter, listener);
    subscriptions.add(sub);
    sub.thread.start();
    return sub;
  }

  /** One subscription and the daemon thread that feeds its listener. */
  private final class Sub implements EventManager.Subscription {
    private final String scope;
    private final BotFilter filter;
    private final Consumer<BotEvent> listener;
    private final BlockingQueue<BotEvent> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    Sub(String scope, BotFilter filter, Consumer<BotEvent> listener) {
      this.scope = scope;
      this.filter = filter;
      this.listener = listener;
      this.thread = new Thread(this::deliver, "berth-mock-events-" + THREADS.incrementAndGet());
      this.thread.setDaemon(true);
    }

    private void deliver() {
      while (!closed) {
        BotEvent event;
        try {
          event = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          // A failing listener keeps its subscription, as EventManager promises; the mock has no logger.
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      subscriptions.remove(this);
      thread.interrupt();
      if (Thread.currentThread() != thread) {
        try {
          thread.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
