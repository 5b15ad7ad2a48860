package dev.berth.runtime.core.internal;

import dev.berth.runtime.RuntimeOperationException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@link InterpreterResolver#host()}: finds interpreters on the host's {@code PATH}. */
final class HostInterpreters implements InterpreterResolver {
  static final HostInterpreters INSTANCE = new HostInterpreters();
  private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");

  private HostInterpreters() {}

  @Override
  public List<String> resolve(String language) {
    Language parsed = Language.of(language);
    switch (parsed.family()) {
      case PYTHON:
        return List.of(first(language, parsed.version().isEmpty()
            ? List.of("python3") : List.of("python" + parsed.version(), "python3")));
      case NODE:
        return List.of(first(language, List.of("node", "nodejs")));
      case JAVA:
        Path java = Path.of(System.getProperty("java.home"), "bin", WINDOWS ? "java.exe" : "java");
        return List.of(Files.isExecutable(java) ? java.toString() : first(language, List.of("java")));
      default:
        return List.of();
    }
  }

  private static String first(String language, List<String> names) {
    for (String name : names) {
      Optional<Path> found = onPath(name);
      if (found.isPresent()) {
        return found.get().toString();
      }
    }
    throw new RuntimeOperationException("No interpreter for language '" + language + "' on this host: none of "
        + names + " is on the PATH (" + System.getenv("PATH") + "); install it or change the spec's language");
  }

  /** The first executable called {@code name} in a {@code PATH} directory. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String candidate : WINDOWS ? List.of(name + ".exe", name) : List.of(name)) {
        try {
          Path file = Path.of(dir, candidate);
          if (Files.isRegularFile(file) && Files.isExecutable(file)) {
            return Optional.of(file.toAbsolutePath());
          }
        } catch (InvalidPathException e) {
          // a malformed PATH entry: skip it
        }
      }
    }
    return Optional.empty();
  }
}
