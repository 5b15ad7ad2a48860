package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One backtest-kit test's runners, ids and clean-up; see {@link RuntimeKitSession}. */
final class BacktestKitSession {
  final Workloads workloads;
  final KitTimeouts timeouts;
  /** Threads of a test fixture in this JVM, which the thread checks do not count; set by the kit. */
  java.util.function.Predicate<Thread> fixtureThreads = thread -> false;
  /** The runner's clock, for measuring how long a wait for a backtest took. */
  final Clock clock;
  final String scope = KitIds.scope();
  private final Function<String, BacktestRunner> factory;
  private final Function<String, Optional<Set<String>>> leftovers;
  private final Supplier<Optional<ObjectStore>> store;
  private final List<BacktestRunner> opened = new CopyOnWriteArrayList<>();
  private final Map<String, Set<String>> submitted = new LinkedHashMap<>();
  private BacktestRunner runner;

  BacktestKitSession(Function<String, BacktestRunner> factory, Workloads workloads, KitTimeouts timeouts,
      Clock clock, Function<String, Optional<Set<String>>> leftovers, Supplier<Optional<ObjectStore>> store) {
    this.clock = clock;
    this.store = store;
    this.factory = factory;
    this.workloads = workloads;
    this.timeouts = timeouts;
    this.leftovers = leftovers;
  }

  synchronized BacktestRunner runner() {
    if (runner == null) {
      runner = runner(scope);
    }
    return runner;
  }

  BacktestRunner runner(String scope) {
    BacktestRunner created = factory.apply(scope);
    if (created == null) {
      throw new AssertionError("newRunner(\"" + scope + "\") returned null; return a runner for that scope");
    }
    opened.add(created);
    return created;
  }

  /** A new runner for {@code scope} that the caller closes; not remembered for clean-up. */
  BacktestRunner unrecordedRunner(String scope) {
    BacktestRunner created = factory.apply(scope);
    if (created == null) {
      throw new AssertionError("newRunner(\"" + scope + "\") returned null; return a runner for that scope");
    }
    return created;
  }

  String id(String hint) {
    return KitIds.id(hint);
  }

  Optional<ObjectStore> store() {
    return store.get();
  }

  Optional<Set<String>> leftovers() {
    return leftovers.apply(scope);
  }

  /** Labels the spec, gives it the kit's generous timeout, and remembers it for clean-up. */
  BacktestSpec spec(BacktestSpec.Builder builder) {
    return spec(builder, timeouts.backtestRun());
  }

  BacktestSpec spec(BacktestSpec.Builder builder, Duration timeout) {
    BacktestSpec spec = builder.label(RuntimeKitSession.KIT_LABEL, RuntimeKitSession.KIT_LABEL_VALUE)
        .timeout(timeout).build();
    synchronized (submitted) {
      submitted.computeIfAbsent(scope, s -> new LinkedHashSet<>()).add(spec.id());
    }
    return spec;
  }

  BacktestStatus awaitState(String id, BacktestState... states) {
    Set<BacktestState> wanted = Set.of(states);
    return Await.until(timeouts, "backtest '" + id + "' to reach " + wanted, () -> runner().status(id),
        status -> wanted.contains(status.state()), status -> status.state().isTerminal()
            ? Optional.of("it ended " + status.state() + ", and an ended backtest never changes its state")
            : Optional.empty(), Duration.ZERO);
  }

  List<LogLine> logs(String id, LogOptions options) {
    return logs(runner(), id, options);
  }

  /** Every existing line of backtest {@code id} as {@code runner} sees it. */
  List<LogLine> logs(BacktestRunner runner, String id) {
    return logs(runner, id, LogOptions.DEFAULT);
  }

  private static List<LogLine> logs(BacktestRunner runner, String id, LogOptions options) {
    try (Stream<LogLine> lines = runner.logs(id, options)) {
      return lines.collect(Collectors.toList());
    }
  }

  void cleanUp() {
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> all;
    synchronized (submitted) {
      all = new LinkedHashMap<>(submitted);
    }
    all.forEach((backtestScope, ids) -> {
      BacktestRunner cleaner;
      try {
        cleaner = factory.apply(backtestScope);
      } catch (RuntimeException e) {
        problems.add("newRunner(\"" + backtestScope + "\") threw " + e);
        return;
      }
      for (String id : ids) {
        try {
          cleaner.delete(id);
        } catch (RuntimeException e) {
          problems.add("delete(\"" + id + "\") threw " + e);
        }
      }
      try {
        cleaner.close();
      } catch (RuntimeException e) {
        problems.add("close() of the clean-up runner threw " + e);
      }
    });
    for (BacktestRunner each : opened) {
      try {
        each.close();
      } catch (RuntimeException e) {
        problems.add("close() of a runner threw " + e);
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("Cleaning up after the test failed; backtests may be left behind:\n  - "
          + String.join("\n  - ", problems));
    }
  }
}
