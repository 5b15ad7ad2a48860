package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store's state as a runtime or runner sees it: down at start, skipped for a pause, used again. */
class StoreAccessTest {
  private final CountingStore store = new CountingStore();
  private final MovingClock clock = new MovingClock();

  private StoreAccess access() {
    return new StoreAccess(Optional.of(store), "The test runner", "results stay in memory", true, clock,
        Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  @Test
  void aStoreDownAtStartIsSkippedForAPauseThenTriedAgainAndUsedOnceItAnswers() {
    store.down = true;
    StoreAccess access = access();
    access.probe();

    assertThat(access.outage()).as("the outage the start-up check found").hasValueSatisfying(outage ->
        assertThat(outage).contains("connection refused"));
    assertThat(access.available()).as("the store during the first pause").isEmpty();
    clock.move(Duration.ofSeconds(5));
    assertThat(access.available()).as("the store once the pause has passed").contains(store);

    access.failed(new RuntimeUnavailableException("still refused"));
    clock.move(Duration.ofSeconds(5));
    assertThat(access.available()).as("after a second failure the pause doubles").isEmpty();
    clock.move(Duration.ofSeconds(5));
    assertThat(access.available()).contains(store);

    access.succeeded();
    assertThat(access.outage()).as("the outage after a call worked").isEmpty();
    assertThat(access.available()).contains(store);
  }

  @Test
  void thePauseStopsGrowingAtItsCap() {
    StoreAccess access = access();
    for (int i = 0; i < 10; i++) {
      access.failed(new RuntimeUnavailableException("refused"));
    }
    clock.move(Duration.ofSeconds(59));
    assertThat(access.available()).isEmpty();
    clock.move(Duration.ofSeconds(1));
    assertThat(access.available()).as("after the 60 s cap").contains(store);
  }

  @Test
  void aStoreThatAnswersAtStartIsAvailable() {
    StoreAccess access = access();
    access.probe();
    assertThat(store.probes).hasValue(1);
    assertThat(access.outage()).isEmpty();
    assertThat(access.available()).contains(store);
  }

  @Test
  void aWriteThatWorkedWhileTheStartUpCheckRanWinsOverTheCheck() {
    StoreAccess[] access = new StoreAccess[1];
    ObjectStore slow = new CountingStore() {
      @Override
      public boolean exists(String bucket, String key) {
        access[0].succeeded(); // a backtest's result was stored while the check waited for its answer
        throw new RuntimeUnavailableException("timed out");
      }
    };
    access[0] = new StoreAccess(Optional.of(slow), "The test runner", "", true, clock, Duration.ofSeconds(5),
        Duration.ofSeconds(60));

    access[0].probe();

    assertThat(access[0].outage()).as("the outage a check reports after a newer write worked").isEmpty();
    assertThat(access[0].available()).contains(slow);
  }

  @Test
  void withoutAStoreNothingIsAvailableAndNoThreadStarts() {
    try (StoreAccess access = StoreAccess.forBacktests(Optional.empty(), "test", "none")) {
      assertThat(access.store()).isEmpty();
      assertThat(access.available()).isEmpty();
      assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("berth-store-check-"
          + "test-backtests-none"));
    }
  }

  @Test
  void closeEndsACheckThatIsStillWaitingForTheStore() throws InterruptedException {
    CountDownLatch checking = new CountDownLatch(1);
    ObjectStore hanging = new CountingStore() {
      @Override
      public boolean exists(String bucket, String key) {
        checking.countDown();
        try {
          new CountDownLatch(1).await(); // a server that never answers; the interrupt ends it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new RuntimeUnavailableException("interrupted");
      }
    };
    StoreAccess access = StoreAccess.forRuntime(Optional.of(hanging), "test", "hang");
    assertThat(checking.await(10, TimeUnit.SECONDS)).as("the check started").isTrue();
    assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("berth-store-check-test-runtime-hang"));

    access.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals("berth-store-check-test-runtime-hang") && t.isAlive()));
    assertThat(access.outage()).as("an interrupted check says nothing about the store").isEmpty();
  }

  /** A clock a test moves by hand. */
  private static final class MovingClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

    void move(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
