package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  private static final KitTimeouts QUICK = KitTimeouts.withFactor(0.02);

  @Test
  void aWaitThatRunsOutOfTimeSaysSoAndSuggestsTheFactor() {
    assertThatThrownBy(() -> Await.until(QUICK, "the answer", () -> 41, value -> value == 42))
        .isInstanceOf(AssertionError.class).hasMessageContaining("did not happen in time")
        .hasMessageContaining("Last value seen: 41").hasMessageContaining(KitTimeouts.FACTOR_ENV);
  }

  @Test
  void aWaitForWhatCanNoLongerHappenFailsAtOnceWithoutBlamingTime() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> Await.until(KitTimeouts.withFactor(1), "bot 'b' to reach [FAILED]", () -> "STOPPED",
        "FAILED"::equals, state -> Optional.of("it is " + state + ", a final state"), Duration.ZERO))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Waited for bot 'b' to reach [FAILED], but it will not happen: it is STOPPED, a final state. "
            + "Last value seen: STOPPED.")
        .hasMessageNotContaining(KitTimeouts.FACTOR_ENV);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aSettledValueMustStaySettledForTheConfirmationTimeBeforeTheWaitGivesUp() {
    AtomicInteger polls = new AtomicInteger();
    int value = Await.until(KitTimeouts.withFactor(1), "the third poll", polls::incrementAndGet, n -> n >= 3,
        n -> Optional.of("it looked final"), Duration.ofSeconds(5));
    assertThat(value).isEqualTo(3);
  }
}
