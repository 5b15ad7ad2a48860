package dev.berth.runtime.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a reader without the locks learns from them: which id is busy, and whether a call ended meanwhile. */
class IdLocksTest {
  private final IdLocks locks = new IdLocks();

  @Test
  void anIdIsBusyWhileItsCallRunsAndEachEndedCallIsCounted() throws Exception {
    long before = locks.released();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<Void> call = CompletableFuture.runAsync(() -> locks.run("b1", () -> {
      running.countDown();
      try {
        finish.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(locks.busy("b1")).isTrue();
    assertThat(locks.busy("b2")).isFalse();
    assertThat(locks.released()).as("no call ended yet").isEqualTo(before);

    finish.countDown();
    call.get(10, TimeUnit.SECONDS);
    assertThat(locks.busy("b1")).isFalse();
    assertThat(locks.released()).isEqualTo(before + 1);
    assertThat(locks.with("b2", () -> 7)).isEqualTo(7);
    assertThat(locks.released()).isEqualTo(before + 2);
  }
}
