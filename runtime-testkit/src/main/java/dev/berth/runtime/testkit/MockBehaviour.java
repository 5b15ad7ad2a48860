package dev.berth.runtime.testkit;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadSpec;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * What a mock workload does, read from the spec's {@code mock.*} options (see {@link MockWorkloads}). A spec
 * without options behaves like a well-mannered service: it prints nothing, runs until stopped and exits 0
 * on SIGTERM (a backtest without options succeeds at once without a result).
 */
record MockBehaviour(Kind kind, int stdoutLines, int stderrLines, OptionalInt exitCode, String envName,
    Optional<String> resultJson, Duration duration) {

  private static final String BEHAVIOUR = MockWorkloads.BEHAVIOUR;
  private static final String LINES = MockWorkloads.LINES;
  private static final String STDERR_LINES = MockWorkloads.STDERR_LINES;
  private static final String EXIT_CODE = MockWorkloads.EXIT_CODE;
  private static final String ENV_NAME = MockWorkloads.ENV_NAME;
  private static final String RESULT = MockWorkloads.RESULT;
  private static final String DURATION = MockWorkloads.DURATION;
  private static final List<String> KEYS = List.of(BEHAVIOUR, LINES, STDERR_LINES, EXIT_CODE, ENV_NAME, RESULT,
      DURATION);

  /** The behaviours, named as in {@value #BEHAVIOUR}. */
  enum Kind {
    SLEEP, PRINT_LINES, PRINT_NUMBERS, EXIT, ECHO_ENV, IGNORE_SIGTERM, ANNOUNCE_SIGTERM, EXCEED_MEMORY,
    MISSING_PROGRAM, WRITE_RESULT, FAIL, RUN_FOREVER;

    String optionValue() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One line the workload writes. */
  record Output(LogStream stream, String text) {}

  /** Parses the options of {@code spec}, listing every problem at once. */
  static MockBehaviour of(WorkloadSpec spec) {
    Map<String, String> options = spec.options();
    List<String> problems = new ArrayList<>();
    options.keySet().stream().filter(key -> key.startsWith("mock.") && !KEYS.contains(key)).forEach(key ->
        problems.add("options: '" + key + "' is not a mock option; known: " + String.join(", ", KEYS)));
    Kind kind = spec.kind() == WorkloadKind.BOT ? Kind.SLEEP : Kind.WRITE_RESULT;
    String named = options.get(BEHAVIOUR);
    if (named != null) {
      Optional<Kind> found = Arrays.stream(Kind.values()).filter(k -> k.optionValue().equals(named)).findFirst();
      if (found.isPresent()) {
        kind = found.get();
      } else {
        problems.add("options: " + BEHAVIOUR + "='" + named + "' is unknown; use one of " + Arrays.stream(
            Kind.values()).map(Kind::optionValue).collect(Collectors.joining(", ")));
      }
    }
    int lines = integer(options, LINES, 0, problems);
    int stderr = integer(options, STDERR_LINES, 0, problems);
    OptionalInt exit = options.containsKey(EXIT_CODE)
        ? OptionalInt.of(integer(options, EXIT_CODE, 0, problems)) : OptionalInt.empty();
    Duration duration = Duration.ZERO;
    if (options.containsKey(DURATION)) {
      try {
        duration = Duration.parse(options.get(DURATION));
        if (duration.isNegative()) {
          problems.add("options: " + DURATION + "='" + options.get(DURATION) + "' is negative; give a run time "
              + "such as PT0.5S");
        }
      } catch (DateTimeParseException e) {
        problems.add("options: " + DURATION + "='" + options.get(DURATION) + "' is not an ISO-8601 duration "
            + "such as PT0.5S");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.getClass().getSimpleName(), problems);
    }
    return new MockBehaviour(kind, lines, stderr, exit, options.getOrDefault(ENV_NAME, ""),
        Optional.ofNullable(options.get(RESULT)), duration);
  }

  private static int integer(Map<String, String> options, String key, int fallback, List<String> problems) {
    String text = options.get(key);
    if (text == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      problems.add("options: " + key + "='" + text + "' is not an integer");
      return fallback;
    }
  }

  /** The lines the workload writes as soon as it runs. */
  List<Output> output(WorkloadSpec spec) {
    List<Output> out = new ArrayList<>();
    String prefix = kind == Kind.PRINT_NUMBERS ? "" : "line-";
    for (int i = 1; i <= stdoutLines; i++) {
      out.add(new Output(LogStream.STDOUT, prefix + i));
    }
    for (int i = 1; i <= stderrLines; i++) {
      out.add(new Output(LogStream.STDERR, "err-" + i));
    }
    switch (kind) {
      case ECHO_ENV:
        out.add(new Output(LogStream.STDOUT, "env=" + spec.env().getOrDefault(envName, "")));
        out.add(new Output(LogStream.STDOUT, "config=" + spec.config()));
        out.add(new Output(LogStream.STDOUT, "bot-id=" + spec.id()));
        break;
      case IGNORE_SIGTERM:
        out.add(new Output(LogStream.STDOUT, "ready"));
        break;
      case ANNOUNCE_SIGTERM:
        out.add(new Output(LogStream.STDOUT, "up"));
        break;
      case WRITE_RESULT:
        out.add(new Output(LogStream.STDOUT, "done"));
        break;
      case FAIL:
        out.add(new Output(LogStream.STDERR, "failing"));
        break;
      case RUN_FOREVER:
        out.add(new Output(LogStream.STDOUT, "started"));
        break;
      default:
        break;
    }
    return out;
  }

  /** The exit code when the workload exits on its own right after its output; empty when it keeps running. */
  OptionalInt exitsWith() {
    switch (kind) {
      case EXIT:
      case EXCEED_MEMORY:
      case WRITE_RESULT:
        return OptionalInt.of(exitCode.orElse(0));
      case FAIL:
        return OptionalInt.of(exitCode.orElse(1));
      case RUN_FOREVER:
      case IGNORE_SIGTERM:
        return OptionalInt.empty();
      default:
        return exitCode;
    }
  }

  /** Whether it allocates past any memory limit (see {@link MockWorkloads}). */
  boolean exceedsMemory() {
    return kind == Kind.EXCEED_MEMORY;
  }

  /** The program {@code start} cannot find, for the {@code missing-program} behaviour. */
  Optional<String> missingProgram(WorkloadSpec spec) {
    return kind == Kind.MISSING_PROGRAM && !spec.command().isEmpty() ? Optional.of(spec.command().get(0))
        : Optional.empty();
  }

  boolean ignoresSigterm() {
    return kind == Kind.IGNORE_SIGTERM;
  }

  /** Whether it writes {@code term} when SIGTERM reaches it. */
  boolean announcesSigterm() {
    return kind == Kind.ANNOUNCE_SIGTERM;
  }
}
