package dev.berth.runtime.core.internal;

import dev.berth.runtime.InvalidSpecException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to start a workload: an argument list (never a shell string), the environment to add, and the
 * working directory as the workload sees it (a host path for local processes, {@code /bot} or
 * {@code /backtest} inside a container). Produced by {@link Entrypoints#plan}.
 *
 * @param command the program and its arguments
 * @param environment variables to set on top of the backend's base environment, sorted by name
 * @param workingDirectory the directory to start in, where {@code config.json} lies
 */
public record LaunchPlan(List<String> command, Map<String, String> environment, String workingDirectory) {
  public LaunchPlan {
    command = List.copyOf(command);
    environment = Collections.unmodifiableMap(new TreeMap<>(environment));
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    if (command.isEmpty()) {
      throw new InvalidSpecException("LaunchPlan", List.of("command: is empty; give the program to run"));
    }
  }
}
