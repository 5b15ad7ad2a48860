package dev.berth.runtime.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a class only inside {@link KitRun}: kits bound to broken implementations, and examples that fail on
 * purpose, are disabled when a build tool finds them directly (a {@code -Dtest=Broken*} pattern overrides
 * surefire's excludes), so only the self-tests that expect their failures run them.
 */
public final class SelfTestOnly implements ExecutionCondition {
  /** The launcher configuration parameter {@link KitRun} sets. */
  static final String PARAMETER = "berth.kit.self-test";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return context.getConfigurationParameter(PARAMETER).filter("true"::equals).isPresent()
        ? ConditionEvaluationResult.enabled("run by a kit self-test")
        : ConditionEvaluationResult.disabled("fails on purpose; only BrokenImplementationsTest and "
            + "BerthMockExtensionTest run it, through the JUnit launcher");
  }
}
