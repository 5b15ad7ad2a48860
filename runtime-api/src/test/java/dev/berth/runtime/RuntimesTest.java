package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.spi.RuntimeProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RuntimesTest {
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureLog() {
    capture.setLevel(Level.ALL);
    Logger.getLogger(Runtimes.class.getName()).addHandler(capture);
  }

  @AfterEach
  void clearPropertyAndLog() {
    System.clearProperty(Runtimes.TYPE_PROPERTY);
    Logger.getLogger(Runtimes.class.getName()).removeHandler(capture);
  }

  private static Discovery only(String... types) {
    Set<String> wanted = Set.of(types);
    return new Discovery(RuntimesTest.class.getClassLoader(), provider -> wanted.contains(provider.type()));
  }

  private List<String> messages(Level level) {
    return logged.stream().filter(r -> r.getLevel().equals(level))
        .map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters())).toList();
  }

  @Test
  void findsProvidersSortedByPriorityAndReportsLoadFailures() {
    Discovery discovery = new Discovery(getClass().getClassLoader());
    assertThat(discovery.providers()).extracting(RuntimeProvider::type)
        .containsExactly("beta", "epsilon", "gamma", "alpha", "delta");
    assertThat(discovery.loadFailures()).hasSize(2);
    assertThat(String.join("\n", discovery.loadFailures()))
        .contains("broken on purpose").contains("NoSuchProvider");
    assertThat(Runtimes.available()).extracting(RuntimeProvider::type).contains("alpha", "beta");
  }

  @Test
  void twoProvidersOfOneTypeGiveAWarningNamingBothAndADeterministicChoice() {
    Discovery.resetWarningsForTests();
    Discovery first = new Discovery(getClass().getClassLoader());
    new Discovery(getClass().getClassLoader());
    assertThat(first.providers()).filteredOn(p -> p.type().equals("alpha")).singleElement()
        .isInstanceOf(TestProviders.Alpha.class);
    assertThat(messages(Level.WARNING)).filteredOn(m -> m.contains("'alpha'")).singleElement().asString()
        .contains("Several Berth runtime providers have type 'alpha'")
        .contains(TestProviders.Alpha.class.getName()).contains(TestProviders.AlphaTwin.class.getName())
        .contains("Using " + TestProviders.Alpha.class.getName());
  }

  @Test
  void createsTheRequestedTypeAfterAHealthCheck() {
    try (Runtime runtime = Runtimes.create("alpha", RuntimeConfig.empty())) {
      assertThat(runtime.type()).isEqualTo("alpha");
      assertThat(runtime.health().version()).isEqualTo("alpha 1.0");
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
        .hasMessageContaining("available: beta, epsilon, gamma, alpha, delta")
        .hasMessageContaining("berth-runtime-dokker")
        .hasMessageContaining("broken on purpose");
  }

  @Test
  void detectSkipsFailingProbesAndLogsEachOnceAtInfoWithItsReason() {
    try (Runtime runtime = only("beta", "alpha", "delta").detect(RuntimeConfig.empty())) {
      assertThat(runtime.type()).isEqualTo("alpha");
    }
    assertThat(messages(Level.INFO)).filteredOn(m -> m.contains("beta")).singleElement().asString()
        .isEqualTo("Berth runtime beta (priority 50) skipped: beta engine is down; start it");
    assertThat(messages(Level.INFO)).contains("Berth runtime alpha (priority 10) detected: alpha is here");
  }

  @Test
  void aDetectedRuntimeThatIsUnhealthyFailsInsteadOfFallingBackToAnotherType() {
    int closedBefore = TestProviders.CLOSED.get();
    assertThatThrownBy(() -> only("beta", "gamma", "alpha").detect(RuntimeConfig.empty()))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("Detected the gamma (priority 30) runtime (gamma socket found), but its runtime "
            + "cannot be used: The gamma runtime is not usable: gamma refuses connections")
        .hasMessageContaining("does not fall back")
        .hasMessageContaining("config key 'runtime' (BERTH_RUNTIME)");
    assertThat(TestProviders.CLOSED.get()).isEqualTo(closedBefore + 1);
  }

  @Test
  void createAndBacktestsWithTheSameConfigPickTheSameTypeOrFailSayingWhy() {
    try (Runtime runtime = Runtimes.create(RuntimeConfig.empty())) {
      assertThat(runtime.type()).isEqualTo("epsilon");
    }
    assertThatThrownBy(() -> Runtimes.backtests(RuntimeConfig.empty()))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("Detected the epsilon (priority 40) runtime (epsilon found), but its backtest runner "
            + "cannot be used: epsilon runs no backtests");
    try (Runtime runtime = only("beta", "alpha", "delta").detect(RuntimeConfig.empty());
         BacktestRunner runner = only("beta", "alpha", "delta").detectBacktests(RuntimeConfig.empty())) {
      assertThat(runner.type()).isEqualTo(runtime.type()).isEqualTo("alpha");
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
      assertThat(runtime.type()).isEqualTo("epsilon");
    }
  }

  @Test
  void probesEveryProvider() {
    assertThat(Runtimes.probe(RuntimeConfig.empty()))
        .containsOnlyKeys("beta", "epsilon", "gamma", "alpha", "delta")
        .hasEntrySatisfying("beta", probe -> assertThat(probe.passed()).isFalse())
        .hasEntrySatisfying("alpha", probe -> assertThat(probe.detail()).isEqualTo("alpha is here"));
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
    String message = org.assertj.core.api.Assertions.catchThrowable(() ->
        only("beta").detect(RuntimeConfig.empty())).getMessage();
    assertThat(message).contains("No Berth runtime is usable here. Tried:")
        .contains("beta (priority 50): beta engine is down; start it")
        .contains("broken on purpose");
  }
}
