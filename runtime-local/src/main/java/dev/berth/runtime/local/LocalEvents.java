package dev.berth.runtime.local;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.EventManager;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventManager} of the local runtime: the supervisor publishes every transition it performs
 * (created, started, exited, failed, restarted, stopped, deleted); each subscription delivers them in order
 * on its own daemon thread, so a slow listener never stalls the supervisor. Transitions made by another
 * runtime instance (another JVM on the same state directory) are published there, not here.
 */
final class LocalEvents implements EventManager {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEvents.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String scope;
  private final CopyOnWriteArrayList<LocalSubscription> subscriptions = new CopyOnWriteArrayList<>();

  LocalEvents(String scope) {
    this.scope = scope;
  }

  @Override
  public Subscription subscribe(BotFilter filter, Consumer<BotEvent> listener) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(listener, "listener");
    LocalSubscription subscription = new LocalSubscription(filter, listener);
    subscriptions.add(subscription);
    subscription.thread.start();
    return subscription;
  }

  /** Hands an event to every subscription whose filter matches the bot's status at that moment. */
  void publish(BotEvent event, BotStatus status) {
    for (LocalSubscription subscription : subscriptions) {
      if (subscription.filter.matches(status)) {
        subscription.queue.add(event);
      }
    }
  }

  /** Ends every subscription (the runtime is closing). */
  void close() {
    for (LocalSubscription subscription : subscriptions) {
      subscription.close();
    }
  }

  private final class LocalSubscription implements Subscription {
    private final BotFilter filter;
    private final Consumer<BotEvent> listener;
    private final LinkedBlockingQueue<BotEvent> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    LocalSubscription(BotFilter filter, Consumer<BotEvent> listener) {
      this.filter = filter;
      this.listener = listener;
      this.thread = new Thread(this::deliver, "berth-local-events-" + scope + "-" + COUNTER.incrementAndGet());
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
          LOG.warn("An event listener threw on {} of bot {}; it keeps receiving events", event.type(),
              event.botId(), e);
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
          thread.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
