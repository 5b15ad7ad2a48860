package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KitTimeoutsTest {
  @Test
  void theFactorStretchesWaitsButNotTheMeasuredGrace() {
    KitTimeouts slow = KitTimeouts.fromEnvironment(Map.of(KitTimeouts.FACTOR_ENV, "3"), null);
    assertThat(slow.await()).isEqualTo(Duration.ofSeconds(45));
    assertThat(slow.backtestTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(slow.stopGrace()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theSystemPropertyWinsAndTheDefaultIsOne() {
    assertThat(KitTimeouts.fromEnvironment(Map.of(KitTimeouts.FACTOR_ENV, "3"), "1.5").factor()).isEqualTo(1.5);
    assertThat(KitTimeouts.fromEnvironment(Map.of(), null).factor()).isEqualTo(1);
  }

  @Test
  void nonsenseIsRejectedWithTheVariableName() {
    assertThatThrownBy(() -> KitTimeouts.fromEnvironment(Map.of(KitTimeouts.FACTOR_ENV, "fast"), null))
        .hasMessageContaining(KitTimeouts.FACTOR_ENV);
    assertThatThrownBy(() -> KitTimeouts.withFactor(0)).hasMessageContaining("positive");
  }

  @Test
  void theFastWriterLineCountComesFromTheEnvironmentOrThePropertyAndIsChecked() {
    assertThat(KitTimeouts.fromEnvironment(Map.of(), null).fastWriterLines())
        .isEqualTo(KitTimeouts.DEFAULT_FAST_WRITER_LINES);
    assertThat(KitTimeouts.fromEnvironment(Map.of(KitTimeouts.FAST_WRITER_LINES_ENV, "5000"), null, null)
        .fastWriterLines()).isEqualTo(5000);
    assertThat(KitTimeouts.fromEnvironment(Map.of(KitTimeouts.FAST_WRITER_LINES_ENV, "5000"), null, "70")
        .fastWriterLines()).isEqualTo(70);
    assertThat(KitTimeouts.withFactor(2).withFastWriterLines(10).fastWriterLines()).isEqualTo(10);
    assertThatThrownBy(() -> KitTimeouts.fromEnvironment(Map.of(KitTimeouts.FAST_WRITER_LINES_ENV, "many"), null))
        .hasMessageContaining(KitTimeouts.FAST_WRITER_LINES_ENV);
    assertThatThrownBy(() -> KitTimeouts.withFactor(1).withFastWriterLines(0))
        .hasMessageContaining(KitTimeouts.FAST_WRITER_LINES_ENV);
  }
}
