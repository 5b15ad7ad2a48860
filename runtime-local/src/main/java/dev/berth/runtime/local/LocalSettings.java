package dev.berth.runtime.local;

import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.core.ObjectStores;
import dev.berth.runtime.core.internal.BundleCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The settings a local runtime or backtest runner works with, from a builder or a {@link RuntimeConfig}.
 *
 * @param stateDir root of all state; each scope has its own directory below it
 * @param scope the scope whose workloads this instance manages
 * @param stopGrace how long {@code stop} waits after SIGTERM before SIGKILL (when no grace is given)
 * @param logMaxBytes size at which a workload's log file is rotated
 * @param logFiles how many rotated log files are kept besides the current one
 * @param objectStore where backtest results and logs are stored, if anywhere
 * @param bundleCacheBytes how much downloaded code {@code <state-dir>/bundle-cache} keeps; 0 for no cache
 */
record LocalSettings(Path stateDir, String scope, Duration stopGrace, long logMaxBytes, int logFiles,
    Optional<ObjectStore> objectStore, long bundleCacheBytes) {

  static final String STATE_DIR = "local.state-dir";
  static final String LOG_MAX_BYTES = "local.log-max-bytes";
  static final String LOG_FILES = "local.log-files";
  static final Set<String> KEYS = Set.of(STATE_DIR, LOG_MAX_BYTES, LOG_FILES);
  static final long DEFAULT_LOG_MAX_BYTES = 10L * 1024 * 1024;
  static final int DEFAULT_LOG_FILES = 3;

  LocalSettings {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(objectStore, "objectStore");
    stateDir = stateDir.toAbsolutePath().normalize();
    scope = RuntimeConfig.of(java.util.Map.of("scope", scope)).scope();
    if (stopGrace.isNegative()) {
      throw new InvalidConfigException(RuntimeConfig.STOP_GRACE, "The stop grace " + stopGrace + " is negative; "
          + "give a duration such as 10s, or 0s to kill at once");
    }
    if (logMaxBytes < 4096) {
      throw new InvalidConfigException(LOG_MAX_BYTES, "Config key '" + LOG_MAX_BYTES + "' = " + logMaxBytes
          + " bytes is too small; give at least 4k (default 10m)");
    }
    if (logFiles < 0 || logFiles > 1000) {
      throw new InvalidConfigException(LOG_FILES, "Config key '" + LOG_FILES + "' = " + logFiles
          + " is out of range; give 0..1000 kept rotations (default 3)");
    }
  }

  /** Settings with the default bundle cache. */
  LocalSettings(Path stateDir, String scope, Duration stopGrace, long logMaxBytes, int logFiles,
      Optional<ObjectStore> objectStore) {
    this(stateDir, scope, stopGrace, logMaxBytes, logFiles, objectStore, BundleCache.DEFAULT_MAX_BYTES);
  }

  /** {@code ~/.berth/local}. */
  static Path defaultStateDir() {
    return Path.of(System.getProperty("user.home"), ".berth", "local");
  }

  /** Settings from a config map; unknown {@code local.*} and common keys are rejected. */
  static LocalSettings fromConfig(RuntimeConfig config) {
    config.requireKnownKeys("local", KEYS);
    return new LocalSettings(
        config.getPath(STATE_DIR).orElseGet(LocalSettings::defaultStateDir),
        config.scope(),
        config.stopGrace(),
        config.getSize(LOG_MAX_BYTES, DEFAULT_LOG_MAX_BYTES),
        config.getInt(LOG_FILES, DEFAULT_LOG_FILES),
        ObjectStores.fromConfig(config),
        BundleCache.sizeFromConfig(config));
  }

  /** The cache of stored code bundles, shared by the scopes of the state directory; empty when turned off. */
  Optional<BundleCache> bundleCache() {
    return bundleCacheBytes == 0 ? Optional.empty()
        : Optional.of(new BundleCache(stateDir.resolve("bundle-cache"), bundleCacheBytes));
  }

  /** The directory of this scope: {@code <state-dir>/<scope>}. */
  Path scopeDir() {
    return stateDir.resolve(scope);
  }

  /** Where bots live: {@code <state-dir>/<scope>/bots}. */
  Path botsDir() {
    return scopeDir().resolve("bots");
  }

  /** Where backtests live: {@code <state-dir>/<scope>/backtests}. */
  Path backtestsDir() {
    return scopeDir().resolve("backtests");
  }
}
