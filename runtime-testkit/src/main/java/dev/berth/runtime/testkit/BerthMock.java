package dev.berth.runtime.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects a fresh {@link MockRuntime}, {@link MockBacktestRunner} or {@link MockEngine} per test into a field
 * or a test/lifecycle method parameter. Mocks of one test share one engine (and one instance per type and
 * scope), and are closed after the test.
 *
 * <pre>{@code
 * class DeployerTest {
 *   @BerthMock(verifyNothingRunning = true) MockRuntime runtime;
 *
 *   @Test
 *   void deploysAndUndeploys() {
 *     Deployer deployer = new Deployer(runtime);
 *     deployer.deploy("bot-1");
 *     assertThat(runtime).receivedStart("bot-1");
 *     deployer.undeploy("bot-1");      // forgetting this fails the test: bot-1 is still RUNNING
 *   }
 * }
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(BerthMockExtension.class)
public @interface BerthMock {
  /** Fail the test if a bot is still RUNNING (or a backtest still active) in this mock when the test ends. */
  boolean verifyNothingRunning() default false;

  /** The mock's scope. */
  String scope() default "default";

  /**
   * Give the test's engine real time instead of virtual time ({@link MockEngine#realTime()}): stops wait
   * their grace and waits for backtests block. The mocks of one test share one engine, so this applies to
   * all of them; set it on a field (or on the first {@code @BerthMock} parameter the test resolves).
   */
  boolean realTime() default false;
}
