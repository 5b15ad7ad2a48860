package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.BerthAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.Runtimes;
import dev.berth.runtime.RuntimeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MockRuntimeProviderTest {
  private static RuntimeConfig config(String engine) {
    return RuntimeConfig.of(Map.of("scope", "svc", MockRuntimeProvider.ENGINE_KEY, engine));
  }

  @Test
  void runtimesCreateFindsTheMockAndRuntimesOfOneEngineShareBots() {
    try (Runtime first = Runtimes.create("mock", config("provider-test"));
        Runtime second = Runtimes.create("mock", config("provider-test"))) {
      assertThat(first).isInstanceOf(MockRuntime.class);
      first.create(BotSpec.builder("bot-1").image("registry/momentum:7").command("run").build());
      assertThat(second.status("bot-1")).isCreated();
      first.delete("bot-1");
    }
  }

  @Test
  void backtestsToo() {
    try (BacktestRunner runner = Runtimes.backtests("mock", config("provider-test"))) {
      assertThat(runner.type()).isEqualTo("mock");
    }
  }

  @Test
  void detectionNeedsAnExplicitOptIn() {
    MockRuntimeProvider provider = new MockRuntimeProvider();
    assertThat(provider.probe(RuntimeConfig.empty()).passed()).isFalse();
    assertThat(provider.probe(RuntimeConfig.empty()).detail()).contains(MockRuntimeProvider.ENABLED_KEY);
    assertThat(provider.probe(RuntimeConfig.of(Map.of(MockRuntimeProvider.ENABLED_KEY, "true"))).passed()).isTrue();
    assertThat(provider.priority()).isEqualTo(Integer.MIN_VALUE);
    assertThat(Runtimes.probe(RuntimeConfig.empty())).containsKey("mock");
  }

  @Test
  void unknownMockKeysAreRejectedWithAHint() {
    assertThatThrownBy(() -> Runtimes.create("mock", RuntimeConfig.of(Map.of("mock.engin", "x"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("did you mean 'mock.engine'");
  }
}
