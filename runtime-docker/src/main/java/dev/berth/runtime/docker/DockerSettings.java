package dev.berth.runtime.docker;

import dev.berth.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The Docker backend's settings, read once from a {@link RuntimeConfig} (keys {@code docker.*} and the common
 * {@code scope}, {@code stop-grace}, {@code backtest.*}) or set on a builder. Unset connection settings fall back
 * to the environment like the docker CLI (see {@link DockerEndpoint}).
 */
record DockerSettings(
    String scope,
    Optional<String> host,
    Optional<Boolean> tlsVerify,
    Optional<Path> certPath,
    Optional<String> context,
    Duration stopGrace,
    Duration pullTimeout,
    Duration connectTimeout,
    Path workDir,
    boolean init) {

  static final String HOST = "docker.host";
  static final String TLS_VERIFY = "docker.tls-verify";
  static final String CERT_PATH = "docker.cert-path";
  static final String CONTEXT = "docker.context";
  static final String PULL_TIMEOUT = "docker.pull-timeout";
  static final String CONNECT_TIMEOUT = "docker.connect-timeout";
  static final String WORK_DIR = "docker.work-dir";
  static final String INIT = "docker.init";

  /** Every key this backend understands in its own namespace. */
  static final Set<String> KEYS = Set.of(HOST, TLS_VERIFY, CERT_PATH, CONTEXT, PULL_TIMEOUT,
      CONNECT_TIMEOUT, WORK_DIR, INIT);

  static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Validates the keys (did-you-mean for typos) and reads every setting. */
  static DockerSettings from(RuntimeConfig config) {
    config.requireKnownKeys("docker", KEYS);
    return new DockerSettings(
        config.scope(),
        config.get(HOST).map(String::trim).filter(h -> !h.isEmpty()),
        config.get(TLS_VERIFY).map(v -> config.getBoolean(TLS_VERIFY, false)),
        config.getPath(CERT_PATH),
        config.get(CONTEXT).map(String::trim).filter(c -> !c.isEmpty()),
        config.stopGrace(),
        config.getDuration(PULL_TIMEOUT, DEFAULT_PULL_TIMEOUT),
        config.getDuration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT),
        config.getPath(WORK_DIR).orElseGet(DockerSettings::defaultWorkDir),
        config.getBoolean(INIT, true));
  }

  static Path defaultWorkDir() {
    return Path.of(System.getProperty("user.home"), ".berth", "docker");
  }

  /** The host directory holding this scope's workspaces. */
  Path scopeDir() {
    return workDir.resolve(scope);
  }
}
