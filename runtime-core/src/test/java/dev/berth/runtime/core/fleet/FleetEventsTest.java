package dev.berth.runtime.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fleet events reach subscribers in order without ever slowing a pass; listeners see every pass and action. */
class FleetEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final MockRuntime runtime = new MockRuntime();
  private final Fleet fleet = Fleet.of(3);
  private Reconciler reconciler;

  @AfterEach
  void close() {
    if (reconciler != null) {
      reconciler.close();
    }
    runtime.close();
  }

  @Test
  void subscribersReceiveWhatEachPassDidInOrder() {
    reconciler = Reconciler.builder(runtime, fleet).concurrency(1).build();
    List<FleetEvent> events = new CopyOnWriteArrayList<>();
    reconciler.subscribe(events::add);

    reconciler.reconcileNow();
    fleet.change("bot-1", spec -> spec.config("{\"v\":2}"));
    fleet.remove("bot-2");
    reconciler.reconcileNow();
    runtime.crash("bot-0", 9);
    reconciler.reconcileNow();

    await().atMost(WAIT).until(() -> events.stream().filter(e -> e.type() == FleetEvent.Type.RECONCILED).count() == 3);
    List<String> seen = new ArrayList<>();
    events.forEach(event -> seen.add(event.type() + (event.botId().isEmpty() ? "" : " " + event.botId())));
    assertThat(seen).containsExactly(
        "CREATED bot-0", "STARTED bot-0", "CREATED bot-1", "STARTED bot-1", "CREATED bot-2", "STARTED bot-2",
        "RECONCILED",
        "DELETED bot-2", "RECREATED bot-1", "RECONCILED",
        "EXITED bot-0", "RESTARTED bot-0", "RECONCILED");
    assertThat(events).filteredOn(e -> e.type() == FleetEvent.Type.EXITED).singleElement()
        .satisfies(e -> assertThat(e.exitCode()).hasValue(9));
    assertThat(events.get(6).message()).startsWith("3 desired, 0 observed: created 3 [bot-0, bot-1, bot-2]");
  }

  @Test
  void aStuckSubscriberNeverBlocksAPassItsEventsAreDroppedAndCounted() throws InterruptedException {
    Fleet big = Fleet.of(50);
    reconciler = Reconciler.builder(runtime, big).eventQueueCapacity(10).build();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    Reconciler.Subscription stuck = reconciler.subscribe(event -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered.incrementAndGet();
    });

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.created()).as("the pass ran to its end while the subscriber was stuck").hasSize(50);
    long published = 50 * 2 + 1;
    assertThat(stuck.dropped()).as("at most the queue and the event in hand are kept").isGreaterThanOrEqualTo(
        published - 10 - 1);
    assertThat(reconciler.droppedEvents()).isEqualTo(stuck.dropped());
    release.countDown();
    await().atMost(WAIT).until(() -> delivered.get() + stuck.dropped() == published);
    stuck.close();
  }

  @Test
  void aThrowingSubscriberKeepsReceiving() {
    reconciler = Reconciler.builder(runtime, fleet).build();
    List<FleetEvent> events = new CopyOnWriteArrayList<>();
    reconciler.subscribe(event -> {
      events.add(event);
      throw new IllegalStateException("bus down");
    });

    reconciler.reconcileNow();

    await().atMost(WAIT).until(() -> events.size() == 7);
  }

  @Test
  void listenersSeeEveryPassAndEveryActionWithItsOutcome() {
    List<String> calls = new CopyOnWriteArrayList<>();
    reconciler = Reconciler.builder(runtime, fleet).listener(new ReconcileListener() {
      @Override
      public void passStarted(ReconcileReport.Trigger trigger) {
        calls.add("started " + trigger);
      }

      @Override
      public void actionTaken(ReconcileReport.Action action, String botId, Duration took,
          Optional<RuntimeException> failure) {
        assertThat(took.isNegative()).isFalse();
        calls.add(action + " " + botId + failure.map(e -> " failed: " + e.getMessage()).orElse(""));
      }

      @Override
      public void passFinished(ReconcileReport report) {
        calls.add("finished " + report.actions());
      }
    }).listener(new ReconcileListener() {
      @Override
      public void passStarted(ReconcileReport.Trigger trigger) {
        throw new IllegalStateException("a broken listener changes nothing");
      }
    }).concurrency(1).build();
    runtime.failNext(dev.berth.runtime.testkit.MockRuntime.Call.CREATE,
        new dev.berth.runtime.RuntimeOperationException("quota"));

    reconciler.reconcileNow();
    reconciler.reconcileNow();

    assertThat(calls).containsExactly("started DEMAND", "CREATE bot-0 failed: quota", "CREATE bot-1",
        "CREATE bot-2", "finished 2", "started DEMAND", "CREATE bot-0", "finished 1");
  }

  @Test
  void closeEndsTheSubscribersThreads() {
    reconciler = Reconciler.builder(runtime, fleet).name("close-check").build();
    reconciler.subscribe(event -> { });
    reconciler.subscribe(event -> { });
    assertThat(threadNames("berth-reconciler-close-check-events-")).hasSize(2);

    reconciler.close();

    assertThat(threadNames("berth-reconciler-close-check")).isEmpty();
  }

  static List<String> threadNames(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .map(Thread::getName).toList();
  }
}
