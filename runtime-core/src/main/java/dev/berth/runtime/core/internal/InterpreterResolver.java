package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidSpecException;
import java.util.List;

/**
 * Maps a spec's {@code language} ({@code python3.11}, {@code nodejs20}, {@code java}, {@code command}) to the
 * interpreter command that runs it. Backends choose: {@link #host()} for processes on this machine,
 * {@link #container()} for images that have the usual names on their {@code PATH}.
 *
 * <pre>{@code
 * InterpreterResolver.host().resolve("python3.11");      // ["/usr/bin/python3.11"] or ["/usr/bin/python3"]
 * InterpreterResolver.container().resolve("nodejs20");   // ["node"]
 * }</pre>
 */
@FunctionalInterface
public interface InterpreterResolver {
  /**
   * The interpreter's argument list, e.g. {@code ["python3"]}; empty for {@code command}, which executes
   * the entrypoint itself.
   *
   * @throws InvalidSpecException when the language is not supported
   * @throws dev.berth.runtime.RuntimeOperationException when no interpreter for it is installed
   */
  List<String> resolve(String language);

  /**
   * Interpreters on this host's {@code PATH}: {@code python3.X} if present, else {@code python3};
   * {@code node} (or {@code nodejs}) for {@code nodejsNN}; for {@code java} the {@code java} of the running
   * JVM ({@code java.home}), so single-file programs run wherever Berth runs.
   */
  static InterpreterResolver host() {
    return HostInterpreters.INSTANCE;
  }

  /** Plain names for container images: {@code python3}, {@code node}, {@code java}. */
  static InterpreterResolver container() {
    return language -> {
      switch (Language.of(language).family()) {
        case PYTHON:
          return List.of("python3");
        case NODE:
          return List.of("node");
        case JAVA:
          return List.of("java");
        default:
          return List.of();
      }
    };
  }
}
