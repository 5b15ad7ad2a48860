package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.spi.RuntimeProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppleRuntimeProviderTest {
  @TempDir
  Path dir;

  private RuntimeConfig config(FakeContainer fake, String... more) {
    Map<String, String> values = new java.util.HashMap<>(Map.of("apple.path", fake.executable().toString(),
        "apple.work-dir", dir.resolve("work").toString(), "store.type", "none", "scope", "probe"));
    for (int i = 0; i < more.length; i += 2) {
      values.put(more[i], more[i + 1]);
    }
    return RuntimeConfig.of(values);
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(RuntimeProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.type().equals("apple")).findFirst()).get().isInstanceOf(AppleRuntimeProvider.class);
  }

  @Test
  void theProbeFailsOffMacOs() {
    Probe probe = new AppleRuntimeProvider("Linux").probe(RuntimeConfig.empty());
    assertThat(probe.passed()).isFalse();
    assertThat(probe.detail()).contains("macOS only").contains("Linux");
  }

  @Test
  void theProbePassesOnMacOsWhenTheCliAnswers() {
    FakeContainer fake = FakeContainer.memory(dir);
    Probe probe = new AppleRuntimeProvider("Mac OS X").probe(config(fake));
    assertThat(probe.passed()).as(probe.detail()).isTrue();
    assertThat(probe.detail()).contains("container 1.0.0").contains(fake.executable().toString());
  }

  @Test
  void theProbeSaysHowToStartAStoppedServiceAndWhereToPointAMissingCli() {
    FakeContainer fake = FakeContainer.install(dir, Map.of("mode", "memory", "down", true));
    Probe down = new AppleRuntimeProvider("Mac OS X").probe(config(fake));
    assertThat(down.passed()).isFalse();
    assertThat(down.detail()).contains("container system start");
    Probe missing = new AppleRuntimeProvider("Mac OS X").probe(RuntimeConfig.of(Map.of("apple.path",
        dir.resolve("nothing").toString())));
    assertThat(missing.passed()).isFalse();
    assertThat(missing.detail()).contains("apple.path");
  }

  @Test
  void createsRuntimesAndRunnersFromConfig() {
    FakeContainer fake = FakeContainer.memory(dir);
    AppleRuntimeProvider provider = new AppleRuntimeProvider();
    try (Runtime runtime = provider.createRuntime(config(fake));
        BacktestRunner runner = provider.createBacktestRunner(config(fake))) {
      assertThat(runtime.type()).isEqualTo("apple");
      assertThat(runtime.toString()).contains("scope=probe");
      assertThat(runner.type()).isEqualTo("apple");
      assertThat(runner.health().healthy()).isTrue();
    }
  }

  @Test
  void unknownAndMalformedSettingsAreRejectedNamingTheKey() {
    FakeContainer fake = FakeContainer.memory(dir);
    assertThatThrownBy(() -> AppleRuntime.fromConfig(config(fake, "apple.pth", "/x")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("apple.pth")
        .hasMessageContaining("did you mean 'apple.path'");
    assertThatThrownBy(() -> AppleRuntime.fromConfig(config(fake, "apple.work-dir", "/tmp/a:b")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("apple.work-dir");
    assertThatThrownBy(() -> AppleRuntime.fromConfig(config(fake, "apple.command-timeout", "0s")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("apple.command-timeout");
    assertThat(AppleRuntime.fromConfig(config(fake, "docker.host", "tcp://elsewhere:2375")).type())
        .as("another backend's keys are ignored").isEqualTo("apple");
  }

  @Test
  void theExecutableDefaultsToTheOneOnThePath() {
    FakeContainer fake = FakeContainer.memory(dir);
    AppleSettings settings = AppleSettings.from(RuntimeConfig.empty(), Map.of("PATH", "/nonexistent:"
        + fake.executable().getParent()));
    assertThat(settings.executable()).isEqualTo(fake.executable());
    assertThat(AppleSettings.from(RuntimeConfig.empty(), Map.of("PATH", "/nonexistent")).executable())
        .isEqualTo(AppleSettings.INSTALLED);
  }
}
