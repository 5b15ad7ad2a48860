package dev.berth.runtime.testkit;

import dev.berth.runtime.Runtime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules every {@link Runtime} backend must follow (DESIGN §2 "Semantics"), as JUnit 5 tests. A backend
 * proves itself by extending this class in its test sources:
 *
 * <pre>{@code
 * class DockerRuntimeConformanceTest extends RuntimeConformanceKit {
 *   protected Runtime newRuntime(String scope) {
 *     return DockerRuntime.builder().scope(scope).build();
 *   }
 *   protected Workloads workloads() {
 *     return new DockerWorkloads("local/busybox:1");
 *   }
 * }
 * }</pre>
 *
 * <p>Tests named {@code required_…} fail when the rule is broken; tests named {@code optional_…} abort with
 * the reason when the backend does not offer the capability (per {@link Runtime#capabilities()} or an empty
 * {@link Runtime#feature}). Every test works in its own fresh scope with unique ids and deletes every bot it
 * created afterwards, also when it failed; tests are safe to run in parallel. Waits scale with
 * {@link KitTimeouts} ({@code BERTH_TCK_TIMEOUT_FACTOR}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class RuntimeConformanceKit {
  private RuntimeKitSession kit;

  /**
   * A new runtime instance for {@code scope}. Called several times per test: for the test's own scope, for
   * a second scope (isolation), again for the same scope after {@code close()} (re-adoption), and for
   * clean-up. Instances of one scope must see the same bots, like two JVMs sharing one engine.
   */
  protected abstract Runtime newRuntime(String scope);

  /** Turns the kit's abstract behaviours into specs that run on this backend. */
  protected abstract Workloads workloads();

  /** The kit's waits; override to pin a factor instead of reading {@code BERTH_TCK_TIMEOUT_FACTOR}. */
  protected KitTimeouts timeouts() {
    return KitTimeouts.fromEnvironment();
  }

  /**
   * Removes the bot's workload behind the runtime's back, the way an operator would
   * ({@code docker rm -f}, {@code kill -9} plus removing the state, deleting the pod). Return false (the
   * default) when the backend's test cannot do that; the test that needs it then aborts.
   */
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    return false;
  }

  @BeforeEach
  final void openKitSession() {
    kit = new RuntimeKitSession(this::newRuntime, workloads(), timeouts(), this::removeBehindTheRuntimesBack);
  }

  @AfterEach
  final void closeKitSession() {
    if (kit != null) {
      kit.cleanUp();
    }
  }

  private LifecycleChecks lifecycle() {
    return new LifecycleChecks(kit);
  }

  @Nested
  @DisplayName("Lifecycle: create, start, stop, restart, delete")
  class Lifecycle {
    @Test
    @DisplayName("create returns a CREATED status with the id and labels, and does not start the bot")
    void required_create_returnsACreatedStatus() {
      lifecycle().createReturnsCreatedStatus();
    }

    @Test
    @DisplayName("after start returns, a long-running bot is RUNNING with a start time")
    void required_start_makesTheBotRunning() {
      lifecycle().startMakesTheBotRunning();
    }

    @Test
    @DisplayName("after stop returns, the bot is STOPPED (no waiting allowed)")
    void required_stop_leavesTheBotStopped() {
      lifecycle().stopLeavesTheBotStopped();
    }

    @Test
    @DisplayName("start after stop runs the bot again")
    void required_start_afterStop_runsTheBotAgain() {
      lifecycle().startAfterStopRunsTheBotAgain();
    }

    @Test
    @DisplayName("restart leaves the bot RUNNING and does not count as a policy restart")
    void required_restart_runsTheBotAgain() {
      lifecycle().restartRunsTheBotAgain();
    }

    @Test
    @DisplayName("after delete, status throws BotNotFoundException and list omits the bot")
    void required_delete_removesTheBot() {
      lifecycle().deleteRemovesTheBot();
    }

    @Test
    @DisplayName("deleting a running bot removes it and frees its id for a new bot")
    void required_delete_ofARunningBot_freesItsId() {
      lifecycle().deleteOfARunningBotFreesItsId();
    }

    @Test
    @DisplayName("after start returns, a bot that exits at once is RUNNING or already STOPPED")
    void required_start_ofAQuicklyExitingBot_returnsRunningOrExited() {
      lifecycle().startOfAQuicklyExitingBotReturnsRunningOrExited();
    }

    @Test
    @DisplayName("stop waits the grace period, then kills a bot that ignores SIGTERM")
    void required_stop_killsABotIgnoringSigtermAfterTheGrace() {
      lifecycle().stopKillsAWorkloadIgnoringSigtermAfterTheGrace();
    }
  }

  @Nested
  @DisplayName("Idempotency: repeated and redundant calls are no-ops")
  class Idempotency {
    @Test
    @DisplayName("start on a running bot is a no-op (no second run, same start time)")
    void required_start_onARunningBot_isANoOp() {
      lifecycle().startOnARunningBotIsANoOp();
    }

    @Test
    @DisplayName("stop on a stopped bot is a no-op")
    void required_stop_onAStoppedBot_isANoOp() {
      lifecycle().stopOnAStoppedBotIsANoOp();
    }

    @Test
    @DisplayName("stop on a bot that never ran is a no-op")
    void required_stop_onANeverStartedBot_isANoOp() {
      lifecycle().stopOnANeverStartedBotIsANoOp();
    }

    @Test
    @DisplayName("stop on a bot that exited non-zero keeps it FAILED with its exit code")
    void required_stop_onAnExitedBot_keepsItsExitCode() {
      lifecycle().stopOnAnExitedBotKeepsItsExitCode();
    }

    @Test
    @DisplayName("delete twice is a no-op")
    void required_delete_twice_isANoOp() {
      lifecycle().deleteTwiceIsANoOp();
    }

    @Test
    @DisplayName("delete of an unknown id is a no-op")
    void required_delete_ofAnUnknownId_isANoOp() {
      lifecycle().deleteOfAnUnknownIdIsANoOp();
    }
  }
}
