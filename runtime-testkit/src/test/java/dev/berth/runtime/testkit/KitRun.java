package dev.berth.runtime.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs a kit subclass (or one of its tests) through the JUnit Platform launcher and reports what failed and why. */
final class KitRun implements TestExecutionListener {
  private final SummaryGeneratingListener summary = new SummaryGeneratingListener();
  private final Map<String, String> failures = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> aborted = Collections.synchronizedList(new ArrayList<>());

  private KitRun() {}

  /** Every test of {@code kit}. */
  static KitRun of(Class<?> kit) {
    return run(selectClass(kit));
  }

  /** Only the kit test method {@code testName} of {@code kit}, found in the kit's {@code @Nested} groups. */
  static KitRun only(Class<?> kit, String testName) {
    return run(selectNestedMethod(List.of(kit), nestedClassDeclaring(kit, testName), testName));
  }

  private static KitRun run(DiscoverySelector selector) {
    KitRun run = new KitRun();
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selector)
        .configurationParameter(SelfTestOnly.PARAMETER, "true").build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, run.summary, run);
    return run;
  }

  private static Class<?> nestedClassDeclaring(Class<?> kit, String testName) {
    for (Class<?> type = kit; type != null; type = type.getSuperclass()) {
      for (Class<?> nested : type.getDeclaredClasses()) {
        boolean declares = Arrays.stream(nested.getDeclaredMethods()).map(Method::getName)
            .anyMatch(testName::equals);
        if (nested.isAnnotationPresent(Nested.class) && declares) {
          return nested;
        }
      }
    }
    throw new AssertionError("No @Nested group of " + kit.getName() + " declares a test named " + testName);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (!test.isTest()) {
      return;
    }
    String name = test.getSource().filter(MethodSource.class::isInstance)
        .map(source -> ((MethodSource) source).getMethodName()).orElse(test.getDisplayName());
    if (result.getStatus() == TestExecutionResult.Status.FAILED) {
      failures.put(name, result.getThrowable().map(String::valueOf).orElse("?"));
    } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      aborted.add(name);
    }
  }

  TestExecutionSummary summary() {
    return summary.getSummary();
  }

  /** Failed kit test method names with their failure ({@code toString()} of the throwable). */
  Map<String, String> failures() {
    synchronized (failures) {
      return new LinkedHashMap<>(failures);
    }
  }

  List<String> aborted() {
    synchronized (aborted) {
      return new ArrayList<>(aborted);
    }
  }
}
