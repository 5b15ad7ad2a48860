package dev.berth.runtime.apple;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * One installation of the fake {@code container} CLI ({@code src/test/fake/container}): a directory holding
 * a link to the script and the {@code fake.json} it reads. In Docker mode its containers are Docker containers
 * named and labelled with a prefix of their own ({@code dev.berth.fake-container=<prefix>}), so it never
 * touches anyone else's, and {@link #removeContainers()} removes exactly what it made.
 */
final class FakeContainer {
  static final Path SCRIPT = Path.of("src", "test", "fake", "container").toAbsolutePath();
  static final String DOCKER = "/usr/bin/docker";
  static final String LABEL = "dev.berth.fake-container";
  static final String PYTHON = "/usr/bin/python3";

  private final Path dir;
  private final String prefix;

  private FakeContainer(Path dir, String prefix) {
    this.dir = dir;
    this.prefix = prefix;
  }

  /** A fake running containers on the local Docker engine, printing the 1.x JSON. */
  static FakeContainer docker(Path parent) {
    return install(parent, Map.of("mode", "docker"));
  }

  /** A fake that only keeps records (nothing runs): for unit tests without an engine. */
  static FakeContainer memory(Path parent) {
    return install(parent, Map.of("mode", "memory"));
  }

  /**
   * A fake with these {@code fake.json} settings besides its own prefix, state and record files. Skips the
   * calling test when the fake's interpreter, {@code /usr/bin/python3}, is missing; fails it on CI, which
   * installs one.
   */
  static FakeContainer install(Path parent, Map<String, Object> settings) {
    boolean python = Files.isExecutable(Path.of(PYTHON));
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(python).as("CI=true needs %s for the fake container CLI", PYTHON).isTrue();
    }
    Assumptions.assumeTrue(python, PYTHON + " is missing: the fake container CLI is a Python 3 script");
    String prefix = "berthfake-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = parent.resolve(prefix).toAbsolutePath();
    try {
      Files.createDirectories(dir);
      Files.createSymbolicLink(dir.resolve("container"), SCRIPT);
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("prefix", prefix);
      config.put("state", dir.resolve("state.json").toString());
      config.put("record", dir.resolve("calls.jsonl").toString());
      config.putAll(settings);
      Files.writeString(dir.resolve("fake.json"), toJson(config), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FakeContainer(dir, prefix);
  }

  /** The executable to give {@code apple.path}. */
  Path executable() {
    return dir.resolve("container");
  }

  String prefix() {
    return prefix;
  }

  /** Changes one setting of {@code fake.json} (e.g. {@code down}), keeping the others. */
  void set(String key, Object value) {
    try {
      String text = Files.readString(dir.resolve("fake.json"), StandardCharsets.UTF_8);
      String entry = "\"" + key + "\": " + (value instanceof String ? "\"" + value + "\"" : value);
      text = text.replaceFirst("\\s*}\\s*$", ", " + entry + "}");
      Files.writeString(dir.resolve("fake.json"), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every call made so far, each the argument list after {@code container}, as JSON text. */
  List<String> calls() {
    try {
      Path record = dir.resolve("calls.jsonl");
      return Files.exists(record) ? Files.readAllLines(record, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The state file of memory mode. */
  Path stateFile() {
    return dir.resolve("state.json");
  }

  /** Runs the fake itself (as a user at a terminal would), returning stdout; fails on a non-zero exit. */
  String run(String... args) {
    List<String> argv = new ArrayList<>(List.of(executable().toString()));
    argv.addAll(List.of(args));
    return exec(argv, true);
  }

  /** Removes every Docker container and network this fake made; nothing else. */
  void removeContainers() {
    String ids = exec(List.of(DOCKER, "ps", "-aq", "--filter", "label=" + LABEL + "=" + prefix), false).strip();
    if (!ids.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of(DOCKER, "rm", "-f"));
      rm.addAll(List.of(ids.split("\\s+")));
      exec(rm, false);
    }
    String networks = exec(List.of(DOCKER, "network", "ls", "-q", "--filter", "label=" + LABEL + "=" + prefix),
        false).strip();
    if (!networks.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of(DOCKER, "network", "rm"));
      rm.addAll(List.of(networks.split("\\s+")));
      exec(rm, false);
    }
  }

  /** The ids of this fake's Docker containers carrying all of {@code labels}. */
  List<String> dockerContainers(Map<String, String> labels) {
    List<String> argv = new ArrayList<>(List.of(DOCKER, "ps", "-aq", "--filter", "label=" + LABEL + "=" + prefix));
    labels.forEach((k, v) -> argv.addAll(List.of("--filter", "label=" + k + "=" + v)));
    String out = exec(argv, false).strip();
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }

  static String exec(List<String> argv, boolean check) {
    try {
      Path out = Files.createTempFile("berth-fake-", ".out");
      try {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(argv + " did not finish within 120 s");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (check && process.exitValue() != 0) {
          throw new AssertionError(argv + " exited " + process.exitValue() + ": " + text);
        }
        return text;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String toJson(Map<String, Object> config) {
    StringBuilder json = new StringBuilder("{");
    config.forEach((key, value) -> {
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(key).append("\": ");
      json.append(value instanceof String ? "\"" + ((String) value).replace("\\", "\\\\").replace("\"", "\\\"") + "\""
          : String.valueOf(value));
    });
    return json.append('}').toString();
  }
}
