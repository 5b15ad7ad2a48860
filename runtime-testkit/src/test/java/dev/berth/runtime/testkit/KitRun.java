package dev.berth.runtime.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** Runs a kit subclass through the JUnit Platform launcher and reports which kit tests failed and why. */
final class KitRun implements TestExecutionListener {
  private final SummaryGeneratingListener summary = new SummaryGeneratingListener();
  private final Map<String, String> failures = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> aborted = Collections.synchronizedList(new ArrayList<>());

  private KitRun() {}

  static KitRun of(Class<?> kit) {
    KitRun run = new KitRun();
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, run.summary, run);
    return run;
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

  /** Failed kit test method names with the first line of their failure. */
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
