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
        "BERTH_STORE_ACCESS_KEY", "k",
        "HOME", "/root",
        "BERTH_", "ignored"), properties);
    assertThat(config.asMap()).containsExactly(
        Map.entry("docker.host", "tcp://127.0.0.1:2375"),
        Map.entry("local.state-dir", "/var/berth"),
        Map.entry("scope", "from-property"),
        Map.entry("store.access-key", "k"));
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
