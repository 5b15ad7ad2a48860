package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A periodic task that fails keeps being scheduled. */
class PeriodicGuardTest {
  @Test
  void aFailingRoundDoesNotEndThePeriodicTask() throws InterruptedException {
    PeriodicGuard guard = new PeriodicGuard(LoggerFactory.getLogger(PeriodicGuardTest.class), "test task");
    AtomicInteger rounds = new AtomicInteger();
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      executor.scheduleWithFixedDelay(() -> guard.run(() -> {
        if (rounds.incrementAndGet() <= 2) {
          throw new IllegalStateException("Too many open files");
        }
      }), 0, 10, TimeUnit.MILLISECONDS);
      await().atMost(LocalTestSupport.WAIT).until(() -> rounds.get() >= 5);
      assertThat(rounds.get()).isGreaterThanOrEqualTo(5);
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
