package dev.berth.runtime.core.internal.shipping;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.EventManager.BotEvent;
import dev.berth.runtime.EventManager.EventType;
import dev.berth.runtime.Runtime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears from the runtime's {@link EventManager} when a bot stops or exits, so its last lines are shipped
 * then rather than up to an interval later (by which time the bot may have been deleted, its log with it).
 * Without events (a runtime lacking the feature, or one whose subscription fails) the interval alone ships.
 */
public final class ExitWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExitWatch.class);
  private static final Set<EventType> ENDS = EnumSet.of(EventType.STOPPED, EventType.EXITED, EventType.FAILED,
      EventType.OOM_KILLED);

  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  private final Optional<EventManager.Subscription> subscription;

  /**
   * Starts listening.
   *
   * @param executor where {@code ship} runs, so the event thread only records the bot and moves on
   * @param ship ships the bots that ended since its last call (several ends close together come as one call)
   */
  public ExitWatch(Runtime runtime, String scope, Executor executor, Consumer<List<String>> ship) {
    this.subscription = subscribe(runtime, scope, event -> {
      if (ENDS.contains(event.type())) {
        ended.add(event.botId());
        try {
          executor.execute(() -> {
            List<String> ids = drain();
            if (!ids.isEmpty()) {
              ship.accept(ids);
            }
          });
        } catch (RejectedExecutionException e) {
          LOG.debug("Bot '{}' of scope '{}' ended while the shipper closes; its last pass ships it", event.botId(),
              scope);
        }
      }
    });
  }

  private static Optional<EventManager.Subscription> subscribe(Runtime runtime, String scope,
      Consumer<BotEvent> listener) {
    try {
      Optional<EventManager> events = runtime.feature(EventManager.class);
      if (events.isEmpty()) {
        LOG.info("The {} runtime sends no bot events: logs of bots of scope '{}' that stop are shipped at the "
            + "next interval", runtime.type(), scope);
      }
      return events.map(manager -> manager.subscribe(BotFilter.ALL, listener));
    } catch (RuntimeException e) {
      LOG.warn("Cannot subscribe to the bot events of the {} runtime ({}): logs of bots of scope '{}' that stop "
          + "are shipped at the next interval", runtime.type(), e.getMessage(), scope);
      return Optional.empty();
    }
  }

  private List<String> drain() {
    List<String> ids = List.copyOf(ended);
    ended.removeAll(ids);
    return ids;
  }

  @Override
  public void close() {
    subscription.ifPresent(EventManager.Subscription::close);
  }
}
