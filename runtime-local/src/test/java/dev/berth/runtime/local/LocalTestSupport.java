package dev.berth.runtime.local;

import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.testkit.KitTimeouts;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Small helpers the local runtime's own tests share. */
final class LocalTestSupport {
  /** Long enough for a busy two-core machine; a passing wait returns as soon as its condition holds. */
  static final Duration WAIT = KitTimeouts.fromEnvironment().scaled(Duration.ofSeconds(60));

  private LocalTestSupport() {}

  /** {@code sh -c <fixed script> workload <args...>}: test data travels as positional parameters. */
  static BotSpec.Builder shBot(String id, String script, String... args) {
    String[] argv = new String[4 + args.length];
    argv[0] = "sh";
    argv[1] = "-c";
    argv[2] = script;
    argv[3] = "workload";
    System.arraycopy(args, 0, argv, 4, args.length);
    return BotSpec.builder(id).command(argv);
  }

  static List<String> texts(Runtime runtime, String id, LogOptions options) {
    try (Stream<LogLine> lines = runtime.logs(id, options)) {
      return lines.map(LogLine::text).collect(Collectors.toList());
    }
  }

  static List<String> texts(Runtime runtime, String id) {
    return texts(runtime, id, LogOptions.DEFAULT);
  }

  static List<String> awaitLogs(Runtime runtime, String id, Predicate<List<String>> condition) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> texts(runtime, id), condition);
  }

  static BotStatus awaitState(Runtime runtime, String id, BotState... states) {
    List<BotState> wanted = Arrays.asList(states);
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> runtime.status(id), status -> wanted.contains(status.state()));
  }

  /** Stops and deletes every bot of the runtime's scope, then closes it. */
  static void cleanUp(Runtime runtime) {
    for (BotStatus status : runtime.list()) {
      runtime.stop(status.id(), Duration.ofMillis(200));
      runtime.delete(status.id());
    }
    runtime.close();
  }
}
