package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestRunner;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The rules every {@link BacktestRunner} backend must follow, as JUnit 5 tests. A backend extends this class
 * in its test sources and supplies runners and {@link Workloads}:
 *
 * <pre>{@code
 * class LocalBacktestRunnerConformanceTest extends BacktestRunnerConformanceKit {
 *   protected BacktestRunner newRunner(String scope) {
 *     return LocalRuntime.builder().scope(scope).stateDir(tempDir).buildBacktestRunner();
 *   }
 *   protected Workloads workloads() {
 *     return new LocalWorkloads();
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class BacktestRunnerConformanceKit {
  /** A new runner for {@code scope}; runners of one scope must see the same backtests. */
  protected abstract BacktestRunner newRunner(String scope);

  /** Turns the kit's abstract behaviours into specs that run on this backend. */
  protected abstract Workloads workloads();

  /** The kit's waits; override to pin a factor instead of reading {@code BERTH_TCK_TIMEOUT_FACTOR}. */
  protected KitTimeouts timeouts() {
    return KitTimeouts.fromEnvironment();
  }

  /**
   * The ids of backtests in {@code scope} that still have a workload (container, pod, process) or temp
   * files. Empty (the default) means the backend's test cannot tell; the leftover tests then abort.
   */
  protected Optional<Set<String>> leftovers(String scope) {
    return Optional.empty();
  }
}
