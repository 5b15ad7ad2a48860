package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.InvalidConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuntimeConfigTest {
  private static RuntimeConfig config(String key, String value) {
    return RuntimeConfig.of(Map.of(key, value));
  }

  @Test
  void readsBerthEnvironmentVariablesAndSystemPropertiesWhichWin() {
    Properties properties = new Properties();
    properties.setProperty("berth.scope", "from-property");
    properties.setProperty("berth.docker.host", "tcp://127.0.0.1:2375");
    properties.setProperty("unrelated", "x");
    RuntimeConfig config = RuntimeConfig.fromEnvironment(Map.of(
        "BERTH_SCOPE", "from-env",
        "BERTH_LOCAL_STATE_DIR", "/var/berth",
        "BERTH_STORE_ROOT", "/srv/store",
        "BERTH_STOP_GRACE", "3s",
        "HOME", "/root",
        "BERTH_", "ignored"), properties);
    assertThat(config.asMap()).containsExactly(
        Map.entry("docker.host", "tcp://127.0.0.1:2375"),
        Map.entry("local.state-dir", "/var/berth"),
        Map.entry("scope", "from-property"),
        Map.entry("stop-grace", "3s"),
        Map.entry("store.root", "/srv/store"));
  }

  @ParameterizedTest
  @CsvSource({"500ms,PT0.5S", "30s,PT30S", "5m,PT5M", "2h,PT2H", "1d,PT24H", "45,PT45S", "PT1M30S,PT1M30S", "pt2s,PT2S"})
  void parsesDurations(String text, String expected) {
    assertThat(config("k", text).getDuration("k", Duration.ZERO)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void typedGettersFallBackToDefaultsAndNameTheKeyOnBadValues() {
    RuntimeConfig empty = RuntimeConfig.empty();
    assertThat(empty.getDuration("x", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(empty.getInt("x", 7)).isEqualTo(7);
    assertThat(empty.getSize("x", 9)).isEqualTo(9);
    assertThat(empty.getBoolean("x", true)).isTrue();
    assertThat(empty.scope()).isEqualTo("default");

    assertThat(config("local.log-max-bytes", "10m").getSize("local.log-max-bytes", 0)).isEqualTo(10L << 20);
    assertThat(config("n", " 12 ").getInt("n", 0)).isEqualTo(12);
    assertThat(config("f", "1.5").getDouble("f", 0)).isEqualTo(1.5);
    assertThat(config("b", "Yes").getBoolean("b", false)).isTrue();
    assertThat(config("b", "off").getBoolean("b", true)).isFalse();

    assertThatThrownBy(() -> config("docker.stop-grace", "soon").getDuration("docker.stop-grace", Duration.ZERO))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Config key 'docker.stop-grace' = 'soon' is not a duration such as 500ms, 30s, 5m, 2h or PT30S; "
            + "fix the value or remove the key")
        .extracting(e -> ((InvalidConfigException) e).key()).isEqualTo("docker.stop-grace");
    assertThatThrownBy(() -> config("s", "big").getSize("s", 0)).hasMessageContaining("'s' = 'big' is not a size");
    assertThatThrownBy(() -> config("n", "1.5").getInt("n", 0)).hasMessageContaining("is not an integer");
    assertThatThrownBy(() -> config("b", "maybe").getBoolean("b", false)).hasMessageContaining("is not true or false");
    assertThatThrownBy(() -> config("f", "x").getDouble("f", 0)).hasMessageContaining("is not a number");
    assertThatThrownBy(() -> config("scope", "Team A").scope()).hasMessageContaining("'scope' = 'Team A'");
  }

  @Test
  void expandsHomeInPaths() {
    assertThat(config("p", "~/berth").getPath("p"))
        .contains(Path.of(System.getProperty("user.home"), "berth"));
    assertThat(config("p", "/abs").getPath("p")).contains(Path.of("/abs"));
  }

  @Test
  void rejectsUnknownKeysOfItsOwnAndTheCommonNamespaceWithAHint() {
    RuntimeConfig config = RuntimeConfig.of(Map.of(
        "docker.hots", "x", "scop", "y", "local.state-dir", "ignored", "store.root", "/s", "docker.host", "h"));
    assertThatThrownBy(() -> config.requireKnownKeys("docker", Set.of("docker.host", "docker.stop-grace")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'docker.hots' (did you mean 'docker.host'?)")
        .hasMessageContaining("'scop' (did you mean 'scope'?)")
        .hasMessageContaining("for the docker runtime")
        .hasMessageNotContaining("'local.state-dir'");
    RuntimeConfig ok = RuntimeConfig.of(Map.of("docker.host", "h", "kubernetes.namespace", "n", "scope", "s"));
    ok.requireKnownKeys("docker", Set.of("docker.host"));
    assertThatThrownBy(() -> config("docker.zzzzzzzz", "x").requireKnownKeys("docker", Set.of("docker.host")))
        .hasMessageContaining("'docker.zzzzzzzz' for").hasMessageNotContaining("did you mean");
  }

  @Test
  void storeKeysAreOnlyThoseSomethingReads() {
    RuntimeConfig.of(Map.of("store.type", "none", "store.root", "/s", "backtest.log-tail-lines", "50",
        "backtest.result-max-size", "1m", "backtest.sweep-interval", "5s", "stop-grace", "3s"))
        .requireKnownKeys("local", Set.of());
    assertThatThrownBy(() -> RuntimeConfig.of(Map.of("store.endpoint", "http://minio:9000", "store.rot", "/s",
        "store.bucket", "x")).requireKnownKeys("local", Set.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageNotContaining("'store.endpoint'")
        .hasMessageContaining("'store.bucket'")
        .hasMessageContaining("'store.rot' (did you mean 'store.root'?)");
    assertThatThrownBy(() -> config("backtest.log-tail", "5").requireKnownKeys("docker", Set.of()))
        .hasMessageContaining("'backtest.log-tail' (did you mean 'backtest.log-tail-lines'?)");
    assertThatThrownBy(() -> config("stop-grase", "5s").requireKnownKeys("docker", Set.of()))
        .hasMessageContaining("'stop-grase' (did you mean 'stop-grace'?)");
  }

  @Test
  void stopGraceIsCommonWithADefault() {
    assertThat(RuntimeConfig.empty().stopGrace()).isEqualTo(Runtime.DEFAULT_STOP_GRACE).isEqualTo(Duration.ofSeconds(10));
    assertThat(config("stop-grace", "250ms").stopGrace()).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> config("stop-grace", "-1s").stopGrace())
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'stop-grace' = '-1s' is negative");
  }

  @Test
  void isImmutableAndMasksSecrets() {
    RuntimeConfig base = config("scope", "a");
    RuntimeConfig changed = base.with("store.secret-key", "hunter2");
    assertThat(base.get("store.secret-key")).isEmpty();
    assertThat(changed.toString()).contains("store.secret-key=***").doesNotContain("hunter2");
    assertThat(base.merge(config("scope", "b")).scope()).isEqualTo("b");
    assertThatThrownBy(() -> base.asMap().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(changed).isEqualTo(base.with("store.secret-key", "hunter2")).hasSameHashCodeAs(changed);
  }

  @Test
  void didYouMeanDistance() {
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(DidYouMean.suggest("scpoe", Set.of("scope", "store.root"))).contains("scope");
  }
}
