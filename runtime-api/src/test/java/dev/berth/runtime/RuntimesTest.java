package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.spi.RuntimeProvider;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuntimesTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(Runtimes.TYPE_PROPERTY);
  }

  @Test
  void findsProvidersSortedByPriorityAndReportsLoadFailures() {
    Discovery discovery = new Discovery(getClass().getClassLoader());
    assertThat(discovery.providers()).extracting(RuntimeProvider::type)
        .containsExactly("beta", "gamma", "alpha", "delta");
    assertThat(discovery.loadFailures()).hasSize(2);
    assertThat(String.join("\n", discovery.loadFailures()))
        .contains("broken on purpose").contains("NoSuchProvider");
    assertThat(Runtimes.available()).extracting(RuntimeProvider::type).contains("alpha", "beta");
  }

  @Test
  void createsTheRequestedTypeAfterAHealthCheck() {
    try (Runtime runtime = Runtimes.create("alpha", RuntimeConfig.empty())) {
      assertThat(runtime.type()).isEqualTo("alpha");
    }
    try (BacktestRunner runner = Runtimes.backtests("delta", RuntimeConfig.empty())) {
      assertThat(runner.type()).isEqualTo("delta");
    }
  }

  @Test
  void unhealthyRuntimeIsClosedAndReported() {
    int closedBefore = TestProviders.CLOSED.get();
    assertThatThrownBy(() -> Runtimes.create("gamma", RuntimeConfig.empty()))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessage("The gamma runtime is not usable: gamma refuses connections");
    assertThat(TestProviders.CLOSED.get()).isEqualTo(closedBefore + 1);
  }

  @Test
  void unknownTypeListsWhatIsAvailableAndWhatFailedToLoad() {
    assertThatThrownBy(() -> Runtimes.create("dokker", RuntimeConfig.empty()))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("No Berth runtime of type 'dokker'")
        .hasMessageContaining("available: beta, gamma, alpha, delta")
        .hasMessageContaining("berth-runtime-dokker")
        .hasMessageContaining("broken on purpose");
  }

  @Test
  void detectSkipsFailingProbesAndUnhealthyRuntimes() {
    try (Runtime runtime = Runtimes.detect(RuntimeConfig.empty())) {
      assertThat(runtime.type()).isEqualTo("alpha");
    }
  }

  @Test
  void forcedTypeComesFromConfigThenSystemProperty() {
    try (Runtime runtime = Runtimes.create(RuntimeConfig.of(java.util.Map.of("runtime", "delta")))) {
      assertThat(runtime.type()).isEqualTo("delta");
    }
    System.setProperty(Runtimes.TYPE_PROPERTY, "delta");
    try (Runtime runtime = Runtimes.create(RuntimeConfig.empty())) {
      assertThat(runtime.type()).isEqualTo("delta");
    }
    try (BacktestRunner runner = Runtimes.backtests(RuntimeConfig.empty())) {
      assertThat(runner.type()).isEqualTo("delta");
    }
    System.clearProperty(Runtimes.TYPE_PROPERTY);
    try (Runtime runtime = Runtimes.create(RuntimeConfig.empty())) {
      assertThat(runtime.type()).isEqualTo("alpha");
    }
  }

  @Test
  void probesEveryProvider() {
    assertThat(Runtimes.probe(RuntimeConfig.empty()))
        .containsOnlyKeys("beta", "gamma", "alpha", "delta")
        .hasEntrySatisfying("beta", probe -> assertThat(probe.passed()).isFalse());
  }

  @Test
  void whenNothingIsUsableOneErrorListsEveryAttempt() throws Exception {
    try (URLClassLoader onlyBroken = new URLClassLoader(new URL[0], getClass().getClassLoader()) {
      @Override
      public java.util.Enumeration<URL> getResources(String name) throws java.io.IOException {
        return java.util.Collections.emptyEnumeration();
      }
    }) {
      Discovery none = new Discovery(onlyBroken);
      assertThat(none.providers()).isEmpty();
      assertThatThrownBy(() -> none.detect(RuntimeConfig.empty()))
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining("No RuntimeProvider was found on the class path")
          .hasMessageContaining("berth-runtime-local");
    }
    Discovery all = new Discovery(getClass().getClassLoader());
    Discovery withoutUsable = new Discovery(getClass().getClassLoader(),
        provider -> !provider.type().equals("alpha") && !provider.type().equals("delta"));
    String message = org.assertj.core.api.Assertions.catchThrowable(() ->
        withoutUsable.detect(RuntimeConfig.empty())).getMessage();
    assertThat(message).contains("No Berth runtime is usable here. Tried:")
        .contains("beta (priority 50): beta engine is down; start it")
        .contains("gamma (priority 30): The gamma runtime is not usable: gamma refuses connections")
        .contains("broken on purpose");
    assertThat(all.providers()).isNotEmpty();
  }
}
