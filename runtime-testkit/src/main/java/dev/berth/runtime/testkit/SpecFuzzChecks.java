package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Runtime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * "Text that reaches the OS never contains NUL", "no shell-string interpolation", "bad input gets a clear
 * exception naming the field; nothing half-created": generated hostile specs either run exactly as given (the
 * workload reports the argv and environment its process got) or are refused with InvalidSpecException naming
 * a field the case set, with list() unchanged.
 */
final class SpecFuzzChecks {
  static final long SEED = 20261202L;

  private final RuntimeKitSession kit;
  private int accepted;
  private int refused;

  SpecFuzzChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  /**
   * Tries {@code cases} generated specs from seed {@value #SEED}; system properties
   * {@code berth.tck.spec-cases} and {@code berth.tck.spec-seed} override both, for long runs.
   */
  void generatedSpecsRunExactlyOrAreRefusedNamingTheField(int defaultCases) {
    int cases = Integer.getInteger("berth.tck.spec-cases", defaultCases);
    long seed = Long.getLong("berth.tck.spec-seed", SEED);
    Runtime runtime = kit.runtime();
    boolean reports = kit.workloads.reportArgvAndEnvironment("probe").isPresent();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cases && failures.size() < 5; i++) {
      SpecFuzz.Case fuzz = SpecFuzz.generate(seed + i, kit.id("fuzz"));
      try {
        check(runtime, fuzz, reports).ifPresentOrElse(failures::add, () -> { });
      } catch (AssertionError | RuntimeException e) {
        failures.add(fuzz + ": " + e);
      }
    }
    assertThat(failures).as("generated specs (%d accepted, %d refused so far; seeds from %d; the argv and "
        + "environment %s) that did not run exactly as given nor were refused naming the field", accepted, refused,
        seed, reports ? "checked as the process saw them" : "not reported by this backend's workloads").isEmpty();
    assertThat(accepted).as("generated specs that ran").isPositive();
    assertThat(refused).as("generated specs that were refused").isPositive();
  }

  private java.util.Optional<String> check(Runtime runtime, SpecFuzz.Case fuzz, boolean reports) {
    Set<String> before = ids(runtime);
    BotSpec spec;
    try {
      BotSpec.Builder workload = reports ? kit.workloads.reportArgvAndEnvironment(fuzz.id()).orElseThrow()
          : kit.workloads.sleepForever(fuzz.id());
      List<String> argv = new ArrayList<>(workload.build().command());
      argv.addAll(fuzz.args());
      spec = kit.bot(fuzz.apply(workload.command(argv)));
    } catch (InvalidSpecException e) {
      return refusal(runtime, fuzz, e, before, "building the spec");
    }
    try {
      runtime.create(spec);
    } catch (InvalidSpecException e) {
      return refusal(runtime, fuzz, e, before, "create");
    }
    accepted++;
    if (!fuzz.mustReject().isEmpty()) {
      return java.util.Optional.of(fuzz + " was accepted, but " + fuzz.mustReject() + " must be refused");
    }
    BotStatus created = runtime.status(spec.id());
    assertThat(created.labels()).as("labels of %s", fuzz).isEqualTo(spec.labels());
    if (reports) {
      runtime.start(spec.id());
      List<String> lines = RuntimeKitSession.texts(kit.awaitLogs(spec.id(), LogOptions.DEFAULT,
          "report argv and environment, then 'end'", texts -> texts.contains("end")));
      List<String> argv = decode(lines, "argv");
      assertThat(argv).as("argv the process of %s got", fuzz).hasSameSizeAs(spec.command());
      // A backend may resolve the program on its PATH first (sh -> /usr/bin/sh); the arguments must be exact.
      assertThat(argv.get(0)).as("program the process of %s runs", fuzz)
          .satisfiesAnyOf(program -> assertThat(program).isEqualTo(spec.command().get(0)),
              program -> assertThat(program).endsWith("/" + spec.command().get(0)));
      assertThat(argv.subList(1, argv.size())).as("arguments the process of %s got", fuzz)
          .isEqualTo(spec.command().subList(1, spec.command().size()));
      Map<String, String> environment = environment(decode(lines, "environ"));
      Map<String, String> seen = new LinkedHashMap<>(environment);
      seen.keySet().retainAll(spec.env().keySet());
      assertThat(seen).as("environment the process of %s got (its spec's variables)", fuzz)
          .isEqualTo(spec.env());
      runtime.stop(spec.id(), kit.timeouts.quickStopGrace());
    }
    runtime.delete(spec.id());
    assertThat(ids(runtime)).as("ids listed after %s was deleted", fuzz).isEqualTo(before);
    return java.util.Optional.empty();
  }

  private java.util.Optional<String> refusal(Runtime runtime, SpecFuzz.Case fuzz, InvalidSpecException e,
      Set<String> before, String where) {
    refused++;
    Set<String> named = fuzz.mustReject().isEmpty()
        ? Set.of("id", "command", "env", "labels", "config", "resources", "memory", "cpu", "pids")
        : expand(fuzz.mustReject());
    boolean namesAField = e.violations().stream().anyMatch(v -> named.stream().anyMatch(v::startsWith));
    Set<String> after = ids(runtime);
    if (!namesAField) {
      return java.util.Optional.of(fuzz + ": refused by " + where + " without naming one of " + named + ": "
          + e.violations());
    }
    if (!after.equals(before)) {
      return java.util.Optional.of(fuzz + ": refused by " + where + ", but list() changed from " + before + " to "
          + after + " (half-created)");
    }
    return java.util.Optional.empty();
  }

  private static Set<String> expand(Set<String> fields) {
    Set<String> named = new TreeSet<>(fields);
    if (fields.contains("resources")) {
      named.addAll(List.of("memory", "cpu", "pids"));
    }
    return named;
  }

  private static Set<String> ids(Runtime runtime) {
    return runtime.list().stream().map(BotStatus::id).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The NUL-separated strings in the hex dump printed on lines starting with {@code tag}. */
  static List<String> decode(List<String> lines, String tag) {
    StringBuilder hex = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith(tag + " ")) {
        hex.append(line.substring(tag.length() + 1).replace(" ", ""));
      }
    }
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.endsWith("\0")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\0", -1));
  }

  private static Map<String, String> environment(List<String> entries) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (String entry : entries) {
      int equals = entry.indexOf('=');
      environment.put(equals < 0 ? entry : entry.substring(0, equals), equals < 0 ? "" : entry.substring(equals + 1));
    }
    return environment;
  }

  /**
   * Timeouts a service may pass on: zero and negative ones are refused naming {@code timeout}; huge ones
   * (centuries, {@link ChronoUnit#FOREVER}) are accepted and the backtest runs and can be cancelled.
   */
  static void extremeBacktestTimeoutsAreRefusedOrRun(BacktestKitSession kit) {
    BacktestRunner runner = kit.runner();
    for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofNanos(-1),
        Duration.ofSeconds(Long.MIN_VALUE))) {
      String id = kit.id("bt-timeout");
      assertThatRefused(() -> kit.spec(kit.workloads.runForever(id), timeout), "timeout " + timeout);
    }
    for (Duration timeout : List.of(Duration.ofDays(365 * 300), ChronoUnit.FOREVER.getDuration(),
        Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
      String id = kit.id("bt-huge");
      BacktestSpec spec = kit.spec(kit.workloads.runForever(id), timeout);
      runner.submit(spec);
      kit.awaitState(id, dev.berth.runtime.BacktestState.RUNNING);
      runner.cancel(id);
      kit.awaitState(id, dev.berth.runtime.BacktestState.CANCELLED);
      runner.delete(id);
    }
  }

  private static void assertThatRefused(Runnable build, String what) {
    try {
      build.run();
    } catch (InvalidSpecException e) {
      assertThat(e.violations()).as("violations for %s", what).anyMatch(v -> v.startsWith("timeout"));
      return;
    }
    throw new AssertionError("A backtest spec with " + what + " was accepted; it must be refused naming timeout");
  }
}
