package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Event;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.EventManager;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's events API, filtered on the engine by this scope's bot labels and mapped to {@link BotEvent}s.
 * Each subscription delivers on its own named thread, in order. The filter's labels and segment apply;
 * its states do not (an event is a transition, not a state).
 */
final class DockerEventManager implements EventManager {
  private static final Logger log = LoggerFactory.getLogger(DockerEventManager.class);
  private static final AtomicInteger SUBSCRIPTIONS = new AtomicInteger();
  /** Actions delivered only once a list shows them (see {@code awaitSettled}). */
  private static final Set<String> SETTLING = Set.of("die", "stop");

  private final DockerClient client;
  private final String scope;
  private final Set<DockerSubscription> open = ConcurrentHashMap.newKeySet();

  DockerEventManager(DockerConnection connection, String scope) {
    this.client = connection.client();
    this.scope = scope;
  }

  @Override
  public Subscription subscribe(BotFilter filter, Consumer<BotEvent> listener) {
    Map<String, String> labels = new java.util.HashMap<>(filter.labels());
    filter.segment().ifPresent(segment -> labels.put(BotFilter.SEGMENT_LABEL, segment));
    labels.putAll(Labels.scopeSelector(scope, Labels.KIND_BOT));
    // The engine answers the request before it registers the listener, so an event right after the answer can
    // be lost; asking for the last second again replays it, and what happened before this call is dropped.
    Instant from = Instant.now();
    DockerSubscription subscription = new DockerSubscription(listener, from);
    client.eventsCmd().withEventTypeFilter("container").withLabelFilter(labels)
        .withSince(Long.toString(from.getEpochSecond() - 1)).exec(subscription);
    open.add(subscription);
    try {
      if (!subscription.awaitStarted(10, TimeUnit.SECONDS)) {
        log.warn("The Docker event stream did not open within 10 s; early events may be missed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return subscription;
  }

  /** Closes every open subscription. */
  void close() {
    open.forEach(DockerSubscription::close);
  }

  static java.util.Optional<BotEvent> map(Event event, Set<String> killed) {
    Map<String, String> attributes = event.getActor() == null || event.getActor().getAttributes() == null
        ? Map.of() : event.getActor().getAttributes();
    String botId = attributes.get(Labels.ID);
    String container = event.getActor() == null ? "" : String.valueOf(event.getActor().getId());
    if (botId == null || event.getAction() == null) {
      return java.util.Optional.empty();
    }
    Instant at = event.getTimeNano() != null ? Instant.ofEpochSecond(0, event.getTimeNano())
        : Instant.ofEpochSecond(event.getTime() == null ? 0 : event.getTime());
    String action = event.getAction();
    switch (action) {
      case "create":
        return java.util.Optional.of(new BotEvent(botId, EventType.CREATED, at, OptionalInt.empty(), ""));
      case "start":
        killed.remove(container);
        return java.util.Optional.of(new BotEvent(botId, EventType.STARTED, at, OptionalInt.empty(), ""));
      case "restart":
        return java.util.Optional.of(new BotEvent(botId, EventType.RESTARTED, at, OptionalInt.empty(), ""));
      case "kill":
        killed.add(container);
        return java.util.Optional.empty();
      case "oom":
        return java.util.Optional.of(new BotEvent(botId, EventType.OOM_KILLED, at, OptionalInt.empty(),
            "out of memory"));
      case "die":
        int code = parse(attributes.get("exitCode"));
        boolean signalled = killed.remove(container);
        EventType type = code == 0 || signalled ? EventType.EXITED : EventType.FAILED;
        return java.util.Optional.of(new BotEvent(botId, type, at, OptionalInt.of(code),
            signalled && code != 0 ? "ended by a kill signal" : ""));
      case "stop":
        return java.util.Optional.of(new BotEvent(botId, EventType.STOPPED, at, OptionalInt.empty(), ""));
      case "destroy":
        killed.remove(container);
        return java.util.Optional.of(new BotEvent(botId, EventType.DELETED, at, OptionalInt.empty(), ""));
      default:
        return java.util.Optional.empty();
    }
  }

  private static int parse(String text) {
    try {
      return text == null ? -1 : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Receives events on docker-java's thread and hands them to the listener's own thread. */
  private final class DockerSubscription extends QuietCallback<Event> implements Subscription {
    private final Consumer<BotEvent> listener;
    private final Instant from;
    private final ExecutorService delivery;
    private final Set<String> killed = ConcurrentHashMap.newKeySet();
    private volatile Thread worker;

    DockerSubscription(Consumer<BotEvent> listener, Instant from) {
      this.listener = listener;
      this.from = from;
      String name = "berth-docker-events-" + SUBSCRIPTIONS.incrementAndGet();
      this.delivery = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        worker = thread;
        return thread;
      });
    }

    @Override
    public void onNext(Event event) {
      map(event, killed).filter(botEvent -> !botEvent.timestamp().isBefore(from)).ifPresent(botEvent -> {
        boolean settle = SETTLING.contains(event.getAction());
        String container = event.getActor() == null ? null : event.getActor().getId();
        try {
          delivery.execute(() -> {
            if (settle && container != null) {
              awaitSettled(container);
            }
            deliver(botEvent);
          });
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // closed meanwhile
        }
      });
    }

    /**
     * The engine sends "die" before it has finished handling the exit and written it to the snapshot that
     * list reads, while an inspect waits until it has: after this, a listener that lists on the event sees it.
     */
    private void awaitSettled(String container) {
      try {
        client.inspectContainerCmd(container).exec();
      } catch (RuntimeException e) {
        log.debug("Inspecting container {} before delivering its exit failed: {}", container, e.toString());
      }
    }

    private void deliver(BotEvent event) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("An event listener failed on {} of {}; it keeps receiving", event.type(), event.botId(), e);
      }
    }

    @Override
    public void close() {
      open.remove(this);
      closeQuietly(() -> super.close());
      delivery.shutdown();
      try {
        if (!delivery.awaitTermination(5, TimeUnit.SECONDS)) {
          delivery.shutdownNow();
        }
        // the pool counts as terminated while its last thread is still on its way out: wait for the thread too,
        // so that no thread of the subscription outlives close()
        Thread last = worker;
        if (last != null) {
          last.join(TimeUnit.SECONDS.toMillis(5));
        }
      } catch (InterruptedException e) {
        delivery.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
