package dev.berth.runtime.testkit;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.Resources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Generates the hostile spec values a multi-tenant service may pass on from its users: ids, args, env names and
 * values, labels, config and resources with shell metacharacters, control characters, NUL, Unicode, huge and
 * out-of-range values. Every case is derived from a seed, so a failure names the seed that reproduces it.
 */
final class SpecFuzz {
  /** Text a shell would act on, or that breaks naive quoting, logging or parsing. */
  static final List<String> HOSTILE_TEXT = List.of("$(touch /tmp/berth-fuzz-pwned)", "`id`", "; rm -rf /",
      "&& echo owned", "| cat /etc/passwd", "> /tmp/x", "'", "\"", "\\", "*", "?", "~", "$HOME", "${PATH}",
      "\n", "two\nlines", "\t", " ", "", "--flag=value", "-c", "ünïcödé ✓", "\u202e", "😀", "%s%n%x",
      "\r\n", "\u0007", "\u001b[31mred", "a=b", "{\"json\": true}", "'; DROP TABLE bots; --");
  /** Names a process environment cannot have, or Berth refuses. */
  static final List<String> BAD_ENV_NAMES = List.of("1A", "A-B", "A=B", "", "A B", "Ä", "A\0B", "$X");
  static final List<String> BAD_IDS = List.of("", "UPPER", "-lead", "trail-", "a".repeat(64), "../x", "a_b",
      "ünï", "a\0b", "a b", "a/b", "a.b");
  static final List<String> BAD_LABEL_KEYS = List.of("", "-bad", "a/b/c", "berth.id", "a b", "k\0");

  /**
   * One generated spec: its parts, and the fields given values Berth must refuse. The args come after the
   * workload's own command in argv.
   */
  record Case(long seed, String id, List<String> args, Map<String, String> env, Map<String, String> labels,
      String config, Supplier<Resources> resources, Set<String> mustReject, String description) {
    /**
     * The spec: {@code workload} (for {@link #id}, with {@link #args}) plus this case's env, labels, config and
     * resources; throws InvalidSpecException where Berth refuses a value, as a user would see it.
     */
    BotSpec.Builder apply(BotSpec.Builder workload) {
      workload.env(env);
      labels.forEach(workload::label);
      if (config != null) {
        workload.config(config);
      }
      if (resources != null) {
        workload.resources(resources.get());
      }
      return workload;
    }

    @Override
    public String toString() {
      return "case " + seed + " (" + description + ")";
    }
  }

  private SpecFuzz() {}

  /** The case for {@code seed}, for a bot named {@code id} unless the case picks a bad id. */
  static Case generate(long seed, String id) {
    // SplittableRandom mixes its seed: java.util.Random gives neighbouring seeds near-equal first draws.
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> mustReject = new LinkedHashSet<>();
    List<String> notes = new ArrayList<>();
    String caseId = id;
    if (random.nextInt(10) == 0) {
      caseId = pick(random, BAD_IDS);
      mustReject.add("id");
      notes.add("id " + shown(caseId));
    }
    List<String> args = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      args.add(text(random, mustReject, "command"));
    }
    notes.add("args " + shown(args));
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      String name = random.nextInt(12) == 0 ? pick(random, BAD_ENV_NAMES) : "FUZZ_" + i + "_" + random.nextInt(100);
      if (BAD_ENV_NAMES.contains(name)) {
        mustReject.add("env");
      }
      env.put(name, text(random, mustReject, "env"));
    }
    notes.add("env " + shown(env));
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      String key = random.nextInt(16) == 0 ? pick(random, BAD_LABEL_KEYS) : "fuzz-" + i;
      int kind = random.nextInt(24);
      String value = kind == 0 ? "v".repeat(64) : kind == 1 ? "before\0after" : pick(random, HOSTILE_TEXT);
      if (BAD_LABEL_KEYS.contains(key) || value.length() > 63 || value.indexOf('\0') >= 0) {
        mustReject.add("labels");
      }
      labels.put(key, value);
    }
    notes.add("labels " + shown(labels));
    String config = null;
    if (random.nextInt(3) == 0) {
      config = config(random, mustReject);
      notes.add("config of " + config.length() + " chars" + (config.length() < 80 ? " " + shown(config) : ""));
    }
    Supplier<Resources> resources = null;
    if (random.nextInt(5) == 0) {
      int kind = random.nextInt(6);
      resources = resources(kind);
      notes.add("resources " + RESOURCE_CASES.get(kind));
      if (kind < 5) {
        mustReject.add("resources");
      }
    }
    return new Case(seed, caseId, args, env, labels, config, resources, mustReject, String.join("; ", notes));
  }

  /** A value from the hostile pool, sometimes long, sometimes with a NUL (which {@code field} must refuse). */
  private static String text(SplittableRandom random, Set<String> mustReject, String field) {
    switch (random.nextInt(24)) {
      case 0:
        mustReject.add(field);
        return "before\0after";
      case 1:
        return "x".repeat(10_000);
      default:
        return pick(random, HOSTILE_TEXT) + (random.nextBoolean() ? "" : pick(random, HOSTILE_TEXT));
    }
  }

  private static String config(SplittableRandom random, Set<String> mustReject) {
    switch (random.nextInt(6)) {
      case 0:
        mustReject.add("config");
        return pick(random, List.of("{", "[]", "null", "\"text\"", "{\"a\":}", "{\0}", "not json"));
      case 1:
        return "{\"deep\":" + "[".repeat(200) + "]".repeat(200) + "}";
      case 2:
        return "{\"big\":\"" + "y".repeat(64 * 1024) + "\"}";
      default:
        return "{\"cmd\":\"$(id)\",\"quote\":\"\\\"'\",\"unicode\":\"✓ \\u0000 escaped\",\"n\":-1e308}";
    }
  }

  private static final List<String> RESOURCE_CASES = List.of("memory -1m", "memory 99999999999999999999g",
      "cpu -5 millicores", "pids Integer.MIN_VALUE", "memory Long.MIN_VALUE bytes", "memory 256m, pids 512");

  /** Resources built when the spec is: the first five are out of range and must be refused. */
  private static Supplier<Resources> resources(int kind) {
    switch (kind) {
      case 0:
        return () -> Resources.builder().memory("-1m").build();
      case 1:
        return () -> Resources.builder().memory("99999999999999999999g").build();
      case 2:
        return () -> Resources.builder().cpuMillis(-5).build();
      case 3:
        return () -> Resources.builder().pids(Integer.MIN_VALUE).build();
      case 4:
        return () -> Resources.builder().memoryBytes(Long.MIN_VALUE).build();
      default:
        return () -> Resources.builder().memory("256m").pids(512).build();
    }
  }

  private static <T> T pick(SplittableRandom random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** {@code text} with control characters escaped and long runs shortened, for messages. */
  static String shown(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 120; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return text.length() > 120 ? out + "…(" + text.length() + " chars)" : out.toString();
  }
}
