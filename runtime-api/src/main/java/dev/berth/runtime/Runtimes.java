package dev.berth.runtime;

import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.spi.RuntimeProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds backends on the class path ({@link java.util.ServiceLoader}) and creates health-checked runtimes.
 *
 * <pre>{@code
 * Runtime runtime = Runtimes.create("docker", RuntimeConfig.fromEnvironment());  // this backend, or fail fast
 * Runtime any = Runtimes.create(RuntimeConfig.fromEnvironment());  // BERTH_RUNTIME / -Dberth.runtime, else detect
 * BacktestRunner runner = Runtimes.backtests("local", RuntimeConfig.empty());
 * }</pre>
 *
 * <p>Explicit construction ({@code DockerRuntime.builder()...build()}) needs none of this and is preferred
 * where the backend is known at compile time.
 *
 * <p>Every factory health-checks the result once and throws {@link RuntimeUnavailableException} with every
 * provider tried and why it was not usable; a provider that fails to load is reported, not fatal.
 * Detection chooses the type by the providers' probes alone, highest priority first, and logs each
 * provider it skips once at INFO with the reason ({@link System.Logger} named {@code dev.berth.runtime.Runtimes};
 * with SLF4J 2, add {@code slf4j-jdk-platform-logging} to route it). So {@link #create(RuntimeConfig)} and
 * {@link #backtests(RuntimeConfig)} with the same config pick the same type, or fail saying why. Of several
 * providers of one type, the highest priority (then the first class name) is used and a warning names
 * them all.
 */
public final class Runtimes {
  /** System property selecting the runtime type for {@link #create(RuntimeConfig)}. */
  public static final String TYPE_PROPERTY = "berth.runtime";
  /** Environment variable selecting the runtime type for {@link #create(RuntimeConfig)}. */
  public static final String TYPE_ENV = "BERTH_RUNTIME";

  private Runtimes() {}

  /** The runtime of {@code type}, health-checked. */
  public static Runtime create(String type, RuntimeConfig config) {
    return discovery().create(type, config);
  }

  /**
   * The runtime selected by config key {@code runtime}, system property {@value #TYPE_PROPERTY} or
   * environment variable {@value #TYPE_ENV}, else the one {@link #detect} finds.
   */
  public static Runtime create(RuntimeConfig config) {
    Discovery discovery = discovery();
    return selectedType(config).map(type -> discovery.create(type, config)).orElseGet(() -> discovery.detect(config));
  }

  /** The backtest runner of {@code type}, health-checked. */
  public static BacktestRunner backtests(String type, RuntimeConfig config) {
    return discovery().backtests(type, config);
  }

  /** The backtest runner of the selected type (see {@link #create(RuntimeConfig)}), else detected. */
  public static BacktestRunner backtests(RuntimeConfig config) {
    Discovery discovery = discovery();
    return selectedType(config).map(type -> discovery.backtests(type, config))
        .orElseGet(() -> discovery.detectBacktests(config));
  }

  /**
   * The runtime of the highest-priority provider whose probe passes, health-checked. A chosen runtime that
   * is unhealthy is an error, not a reason to pick another type.
   */
  public static Runtime detect(RuntimeConfig config) {
    return discovery().detect(config);
  }

  /** The providers on the class path, one per type, highest priority first. */
  public static List<RuntimeProvider> available() {
    return discovery().providers();
  }

  /** Each provider's probe answer with this config, highest priority first. */
  public static Map<String, Probe> probe(RuntimeConfig config) {
    return discovery().probeAll(config);
  }

  static Optional<String> selectedType(RuntimeConfig config) {
    return config.get("runtime")
        .or(() -> Optional.ofNullable(System.getProperty(TYPE_PROPERTY)))
        .or(() -> Optional.ofNullable(System.getenv(TYPE_ENV)))
        .map(String::trim)
        .filter(type -> !type.isEmpty());
  }

  private static Discovery discovery() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return new Discovery(loader != null ? loader : Runtimes.class.getClassLoader());
  }
}
