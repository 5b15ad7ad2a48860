package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BacktestSpecTest {
  private static BacktestSpec.Builder valid() {
    return BacktestSpec.builder("bt-1").command("sh", "-c", "echo '{}' > result.json");
  }

  @Test
  void defaults() {
    BacktestSpec spec = valid().build();
    assertThat(spec.timeout()).isEqualTo(BacktestSpec.DEFAULT_TIMEOUT);
    assertThat(spec.resultPath()).isEqualTo("result.json");
    assertThat(spec.keep()).isFalse();
    assertThat(spec.kind()).isEqualTo(WorkloadKind.BACKTEST);
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
  }

  @Test
  void rejectsNonPositiveTimeout() {
    assertThatThrownBy(() -> valid().timeout(Duration.ZERO).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("timeout: PT0S is not positive");
    assertThatThrownBy(() -> valid().timeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("timeout:");
  }

  @Test
  void rejectsResultPathOutsideTheWorkload() {
    assertThatThrownBy(() -> valid().resultPath("../result.json").build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("resultPath: '../result.json' leaves");
    assertThatThrownBy(() -> valid().resultPath("/tmp/result.json").build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("resultPath: '/tmp/result.json' is absolute");
    assertThatThrownBy(() -> valid().resultPath("").build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("resultPath: is empty");
  }

  @Test
  void sharesWorkloadRules() {
    assertThatThrownBy(() -> BacktestSpec.builder("BT").config("[").build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("Invalid BacktestSpec (3 problems)")
        .hasMessageContaining("id:").hasMessageContaining("command:").hasMessageContaining("config:");
  }

  @Test
  void rejectsNulInWhatReachesTheOs() {
    assertThatThrownBy(() -> valid().env("API_KEY", "a\0b").resultPath("out\0.json")
            .mount(Mount.readOnly("/data\0", "/da\0ta")).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("mounts.source: contains a NUL character; remove it")
        .hasMessageContaining("mounts.target: contains a NUL character; remove it");
    assertThatThrownBy(() -> valid().env("API_KEY", "a\0b").resultPath("out\0.json").build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("env.API_KEY: value contains a NUL character; remove it")
        .hasMessageContaining("resultPath: contains a NUL character; remove it");
  }

  @Test
  void nestedResultPathIsFine() {
    assertThat(valid().resultPath("out/result.json").build().resultPath()).isEqualTo("out/result.json");
  }
}
