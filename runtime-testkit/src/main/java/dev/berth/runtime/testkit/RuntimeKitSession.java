package dev.berth.runtime.testkit;

import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One test's view of the backend under test: the runtimes it opened, the bots it created (so they are
 * removed afterwards, also when the test failed), unique ids and the polling helpers the checks share.
 */
final class RuntimeKitSession {
  /** Label the kit puts on every bot it creates. */
  static final String KIT_LABEL = "berth-tck";
  static final String KIT_LABEL_VALUE = "conformance";

  final Workloads workloads;
  final KitTimeouts timeouts;
  /** Threads of a test fixture in this JVM, which the thread checks do not count; set by the kit. */
  java.util.function.Predicate<Thread> fixtureThreads = thread -> false;
  /** The runtime's clock, for measuring how long its calls waited. */
  final Clock clock;
  final String scope;
  private final Function<String, Runtime> factory;
  private final RemoveOutOfBand remover;
  private final List<Runtime> opened = new CopyOnWriteArrayList<>();
  private final Map<String, Set<String>> createdByScope = new LinkedHashMap<>();
  private final Map<String, BotSpec> specs = new ConcurrentHashMap<>();
  private Runtime runtime;
  private String otherScope;

  /** Removes a workload behind the runtime's back; false when the backend kit cannot. */
  interface RemoveOutOfBand {
    boolean remove(String scope, String botId);
  }

  RuntimeKitSession(Function<String, Runtime> factory, Workloads workloads, KitTimeouts timeouts, Clock clock,
      RemoveOutOfBand remover) {
    this.factory = factory;
    this.workloads = workloads;
    this.timeouts = timeouts;
    this.clock = clock;
    this.remover = remover;
    this.scope = KitIds.scope();
  }

  /** The runtime of this test's scope. */
  synchronized Runtime runtime() {
    if (runtime == null) {
      runtime = runtime(scope);
    }
    return runtime;
  }

  /** A new runtime instance for {@code scope}; closed after the test. */
  Runtime runtime(String scope) {
    Runtime created = factory.apply(scope);
    if (created == null) {
      throw new AssertionError("newRuntime(\"" + scope + "\") returned null; return a runtime for that scope");
    }
    opened.add(created);
    return created;
  }

  /** A new runtime instance for {@code scope} that the caller closes; not remembered for clean-up. */
  Runtime unrecordedRuntime(String scope) {
    Runtime created = factory.apply(scope);
    if (created == null) {
      throw new AssertionError("newRuntime(\"" + scope + "\") returned null; return a runtime for that scope");
    }
    return created;
  }

  /** A second scope, for isolation tests. */
  synchronized String otherScope() {
    if (otherScope == null) {
      otherScope = KitIds.scope();
    }
    return otherScope;
  }

  String id(String hint) {
    return KitIds.id(hint);
  }

  boolean removeOutOfBand(String scope, String botId) {
    return remover.remove(scope, botId);
  }

  /** Labels and builds the spec and remembers its id for clean-up. */
  BotSpec bot(BotSpec.Builder builder) {
    return bot(scope, builder);
  }

  BotSpec bot(String scope, BotSpec.Builder builder) {
    BotSpec spec = builder.label(KIT_LABEL, KIT_LABEL_VALUE).build();
    specs.put(spec.id(), spec);
    synchronized (createdByScope) {
      createdByScope.computeIfAbsent(scope, s -> new LinkedHashSet<>()).add(spec.id());
    }
    return spec;
  }

  BotStatus create(BotSpec.Builder builder) {
    return runtime().create(bot(builder));
  }

  /** Creates and starts the bot and returns its status right after start returned. */
  BotStatus createAndStart(BotSpec.Builder builder) {
    BotSpec spec = bot(builder);
    runtime().create(spec);
    runtime().start(spec.id());
    return runtime().status(spec.id());
  }

  BotStatus status(String id) {
    return runtime().status(id);
  }

  /** Polls the status until its state is one of {@code states}; fails at once when it ended otherwise. */
  BotStatus awaitState(String id, BotState... states) {
    Set<BotState> wanted = Set.copyOf(Arrays.asList(states));
    return Await.until(timeouts, "bot '" + id + "' to reach " + wanted, () -> status(id),
        status -> wanted.contains(status.state()), this::finalState, Duration.ZERO);
  }

  /**
   * Why {@code status} cannot change any more: the bot ended, and the kit gave it no restart policy; empty
   * while it may still change.
   */
  Optional<String> finalState(BotStatus status) {
    BotSpec spec = specs.get(status.id());
    boolean ended = status.state() == BotState.STOPPED || status.state() == BotState.FAILED;
    if (!ended || spec == null || spec.restartPolicy().kind() != RestartPolicy.Kind.NEVER) {
      return Optional.empty();
    }
    return Optional.of("it is " + describe(status) + ", a final state for a bot with restart policy NEVER");
  }

  /** {@code FAILED with exit code 3}, {@code RUNNING}. */
  static String describe(BotStatus status) {
    return status.state() + status.exitCode().stream().mapToObj(code -> " with exit code " + code).findFirst()
        .orElse("");
  }

  BotStatus awaitStatus(String id, String what, Predicate<BotStatus> condition) {
    return Await.until(timeouts, "bot '" + id + "': " + what, () -> status(id), condition);
  }

  /** Reads the log lines (not following), closing the stream. */
  static List<LogLine> read(Runtime runtime, String id, LogOptions options) {
    try (Stream<LogLine> lines = runtime.logs(id, options)) {
      return lines.collect(Collectors.toList());
    }
  }

  List<LogLine> logs(String id, LogOptions options) {
    return read(runtime(), id, options);
  }

  /**
   * Polls the logs until their texts satisfy {@code condition}; fails early once the bot has ended for a
   * second without them doing so (its log is complete then).
   */
  List<LogLine> awaitLogs(String id, LogOptions options, String what, Predicate<List<String>> condition) {
    return Await.until(timeouts, "logs of '" + id + "' to " + what, () -> logs(id, options),
        lines -> condition.test(texts(lines)),
        lines -> finalState(status(id)).map(why -> "the bot has ended (" + why + ") and its log does not " + what),
        Duration.ofSeconds(1));
  }

  List<LogLine> awaitLogLine(String id, String text) {
    return awaitLogs(id, LogOptions.DEFAULT, "contain '" + text + "'", texts -> texts.contains(text));
  }

  Follower follow(String id, LogOptions options) {
    return Follower.start(() -> runtime().logs(id, options), timeouts, "the follow of '" + id + "'");
  }

  static List<String> texts(List<LogLine> lines) {
    return lines.stream().map(LogLine::text).collect(Collectors.toList());
  }

  /** The lines {@code prefix-1}..{@code prefix-n}. */
  static List<String> numbered(String prefix, int n) {
    List<String> texts = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      texts.add(prefix + "-" + i);
    }
    return texts;
  }

  /** Deletes every bot the test created (and anything else in its scopes) and closes every runtime. */
  void cleanUp() {
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> created;
    synchronized (createdByScope) {
      created = new LinkedHashMap<>(createdByScope);
    }
    created.forEach((botScope, ids) -> cleanScope(botScope, ids, problems));
    for (Runtime each : opened) {
      try {
        each.close();
      } catch (RuntimeException e) {
        problems.add("close() of a runtime threw " + e);
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("Cleaning up after the test failed; bots may be left behind:\n  - "
          + String.join("\n  - ", problems));
    }
  }

  private void cleanScope(String botScope, Set<String> ids, List<String> problems) {
    Runtime cleaner;
    try {
      cleaner = factory.apply(botScope);
    } catch (RuntimeException e) {
      problems.add("newRuntime(\"" + botScope + "\") threw " + e);
      return;
    }
    try {
      Set<String> all = new LinkedHashSet<>(ids);
      try {
        cleaner.list().forEach(status -> all.add(status.id()));
      } catch (RuntimeException e) {
        problems.add("list() in scope " + botScope + " threw " + e);
      }
      for (String id : all) {
        try {
          cleaner.stop(id, Duration.ofMillis(200));
        } catch (BotNotFoundException e) {
          // Already gone: fine.
        } catch (RuntimeException e) {
          problems.add("stop(\"" + id + "\") threw " + e);
        }
        try {
          cleaner.delete(id);
        } catch (RuntimeException e) {
          problems.add("delete(\"" + id + "\") threw " + e);
        }
      }
    } finally {
      try {
        cleaner.close();
      } catch (RuntimeException e) {
        problems.add("close() of the clean-up runtime threw " + e);
      }
    }
  }
}
