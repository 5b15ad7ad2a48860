package dev.berth.runtime.apple;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.RuntimeConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Apple backend's settings, read once from a {@link RuntimeConfig} (keys {@code apple.*} and the common
 * {@code scope}, {@code stop-grace}, {@code backtest.*}, {@code store.*}) or set on an {@link AppleBuilder}.
 *
 * @param scope the scope whose containers this instance manages
 * @param executable the {@code container} CLI
 * @param workDir where workspaces and state files live; bind-mounted into the VMs, so it must be on this Mac
 * @param stopGrace SIGTERM-to-SIGKILL grace of {@code stop(id)}, {@code restart} and {@code delete}
 * @param commandTimeout how long one CLI call may take
 * @param pullTimeout how long an image pull may take
 * @param hostAddress how workloads reach this host, when set; otherwise the default network's gateway
 */
record AppleSettings(String scope, Path executable, Path workDir, Duration stopGrace, Duration commandTimeout,
    Duration pullTimeout, Optional<String> hostAddress) {

  static final String EXECUTABLE = "apple.path";
  static final String WORK_DIR = "apple.work-dir";
  static final String COMMAND_TIMEOUT = "apple.command-timeout";
  static final String PULL_TIMEOUT = "apple.pull-timeout";
  static final String HOST_ADDRESS = "apple.host-address";
  static final Set<String> KEYS = Set.of(EXECUTABLE, WORK_DIR, COMMAND_TIMEOUT, PULL_TIMEOUT, HOST_ADDRESS);

  static final Path INSTALLED = Path.of("/usr/local/bin/container");
  static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);
  static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);

  AppleSettings {
    workDir = workDir.toAbsolutePath().normalize();
    String dir = workDir.toString();
    if (dir.contains(":") || dir.contains(",")) {
      throw new InvalidConfigException(WORK_DIR, WORK_DIR + " = " + dir + " contains ':' or ','; the container "
          + "CLI's volume syntax cannot carry them. Choose a directory without them.");
    }
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new InvalidConfigException(COMMAND_TIMEOUT, COMMAND_TIMEOUT + " = " + commandTimeout
          + " is not positive; use a duration such as 60s");
    }
  }

  /** Validates the keys (did-you-mean for typos) and reads every setting. */
  static AppleSettings from(RuntimeConfig config, Map<String, String> environment) {
    config.requireKnownKeys("apple", KEYS);
    return new AppleSettings(
        config.scope(),
        config.getPath(EXECUTABLE).orElseGet(() -> onPath(environment).orElse(INSTALLED)),
        config.getPath(WORK_DIR).orElseGet(AppleSettings::defaultWorkDir),
        config.stopGrace(),
        config.getDuration(COMMAND_TIMEOUT, DEFAULT_COMMAND_TIMEOUT),
        config.getDuration(PULL_TIMEOUT, DEFAULT_PULL_TIMEOUT),
        config.get(HOST_ADDRESS).map(String::trim).filter(a -> !a.isEmpty()));
  }

  /** The first executable named {@code container} on {@code PATH}. */
  static Optional<Path> onPath(Map<String, String> environment) {
    String path = environment.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, "container");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  static Path defaultWorkDir() {
    return Path.of(System.getProperty("user.home"), ".berth", "apple");
  }

  /** The host directory holding this scope's workloads. */
  Path scopeDir() {
    return workDir.resolve(scope);
  }
}
