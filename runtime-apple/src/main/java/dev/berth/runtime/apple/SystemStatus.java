package dev.berth.runtime.apple;

import dev.berth.runtime.Health;
import java.util.List;
import java.util.Optional;

/**
 * Asks {@code container system status} whether the service answers. It exits 0 when it does, printing a
 * table with an {@code apiserver.version} row (1.x) or a {@code container-apiserver version: ...} line
 * (before 1.0); it exits 1 with {@code apiserver is not running} when it does not.
 */
final class SystemStatus {
  private SystemStatus() {}

  /** Never throws. */
  static Health health(Cli cli) {
    try {
      Cli.Result result = cli.run(List.of("system", "status"));
      if (result.ok()) {
        String version = version(result.stdout()).map(v -> v.startsWith("container") ? v : "container " + v)
            .orElse("container");
        return new Health(true, version, "Apple container service at " + cli.executable());
      }
      String said = (result.stdout() + "\n" + result.stderr()).strip().replace('\n', ' ');
      return Health.unhealthy("Apple's container service does not answer (`container system status` exited "
          + result.exitCode() + ": " + said + "). Start it with `container system start`.");
    } catch (RuntimeException e) {
      return Health.unhealthy(String.valueOf(e.getMessage()));
    }
  }

  static Optional<String> version(String output) {
    for (String line : output.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("apiserver.version")) {
        return Optional.of(trimmed.substring("apiserver.version".length()).strip()).filter(v -> !v.isEmpty());
      }
      if (trimmed.startsWith("container-apiserver version:")) {
        return Optional.of(trimmed.substring("container-apiserver version:".length()).strip())
            .filter(v -> !v.isEmpty());
      }
    }
    return Optional.empty();
  }
}
