package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Generated configurations, as a service might pass on from its operators or environment: every typed getter
 * returns a value or throws InvalidConfigException naming the key it read, never a JDK exception.
 */
class RuntimeConfigFuzzTest {
  private static final long SEED = 20261202L;
  private static final int CONFIGS = 2_000;
  private static final List<String> KEYS = List.of("scope", "stop-grace", "runtime", "store.type", "store.root",
      "store.ship-interval", "store.bundle-cache-size", "store.secure", "backtest.log-tail-lines",
      "backtest.result-max-size", "backtest.sweep-interval", "docker.host", "local.state-dir", "scope.extra",
      "store.typo", "", " ", "docker", "k\0ey", "ünï.cödé");
  private static final List<String> VALUES = List.of("", " ", "0", "-1", "-1s", "1e309", "NaN", "Infinity",
      "99999999999999999999", "9223372036854775807", "-9223372036854775808", "9223372036854775807d",
      "9223372036854775807ms", "P999999999999D", "PT-1S", "p1d", "1.5", "0x10", "512m", "8t", "9999999999t",
      "-5g", "1kib", "b", "yes", "ON", "maybe", "~", "~/x", "~user", "/tmp/../..", "a\0b", "$(id)", "; rm -rf /",
      "\n", "ünïcödé ✓", "x".repeat(10_000), "default", "UPPER", "a".repeat(41));

  @Test
  void everyGetterReturnsOrNamesTheKey() {
    Random random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    int refusals = 0;
    for (int i = 0; i < CONFIGS && failures.size() < 5; i++) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int n = random.nextInt(5); n >= 0; n--) {
        values.put(KEYS.get(random.nextInt(KEYS.size())), VALUES.get(random.nextInt(VALUES.size())));
      }
      RuntimeConfig config;
      try {
        config = RuntimeConfig.of(values);
      } catch (InvalidConfigException e) {
        refusals++; // a blank key: refused as a whole
        continue;
      } catch (RuntimeException e) {
        failures.add(values + ": RuntimeConfig.of threw " + e);
        continue;
      }
      for (String key : values.keySet()) {
        List<Consumer<RuntimeConfig>> getters = List.of(c -> c.getDuration(key, null), c -> c.getSize(key, 0),
            c -> c.getInt(key, 0), c -> c.getDouble(key, 0), c -> c.getBoolean(key, false), c -> c.getPath(key),
            c -> c.get(key), RuntimeConfig::scope, RuntimeConfig::stopGrace,
            c -> c.requireKnownKeys("docker", Set.of("docker.host")));
        for (Consumer<RuntimeConfig> getter : getters) {
          try {
            getter.accept(config);
          } catch (InvalidConfigException e) {
            refusals++;
            if (!values.containsKey(e.key()) || !e.getMessage().contains(e.key())) {
              failures.add(values + ": refused naming '" + e.key() + "', not a key it holds: " + e.getMessage());
            }
          } catch (RuntimeException e) {
            failures.add(values + " (key '" + key + "'): " + e);
          }
        }
      }
      Properties properties = new Properties();
      values.forEach((key, value) -> properties.setProperty("berth." + key, value));
      assertThat(RuntimeConfig.fromEnvironment(Map.of(), properties).asMap()).as("read back from properties")
          .isNotNull();
    }
    assertThat(failures).as("configurations (seed %d) whose getters threw something else than "
        + "InvalidConfigException naming one of their keys", SEED).isEmpty();
    assertThat(refusals).as("refusals seen (the generator must produce invalid values)").isPositive();
  }
}
