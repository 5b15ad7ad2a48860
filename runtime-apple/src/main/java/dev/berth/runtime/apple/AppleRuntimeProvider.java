package dev.berth.runtime.apple;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.Health;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.spi.RuntimeProvider;
import java.util.Locale;

/**
 * Registers the {@code apple} backend with {@link dev.berth.runtime.Runtimes}. Its probe passes on macOS when
 * the {@code container} CLI ({@code apple.path}, else the one on {@code PATH}, else
 * {@code /usr/local/bin/container}) answers {@code container system status}.
 */
public final class AppleRuntimeProvider implements RuntimeProvider {
  /** The type name callers ask for. */
  public static final String TYPE = "apple";

  /** Above local processes, below Docker: where both answer, Docker's richer feature set wins. */
  public static final int PRIORITY = 50;

  private final String osName;

  /** Called by {@link java.util.ServiceLoader}; cheap. */
  public AppleRuntimeProvider() {
    this(System.getProperty("os.name", ""));
  }

  AppleRuntimeProvider(String osName) {
    this.osName = osName;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Probe probe(RuntimeConfig config) {
    if (!osName.toLowerCase(Locale.ROOT).startsWith("mac")) {
      return Probe.fail("Apple's container CLI runs on macOS only (this is " + osName + ")");
    }
    try {
      AppleSettings settings = AppleSettings.from(config, System.getenv());
      Health health = SystemStatus.health(new Cli(settings.executable(), settings.commandTimeout()));
      return health.healthy() ? Probe.pass(health.version() + " at " + settings.executable())
          : Probe.fail(health.message());
    } catch (RuntimeException e) {
      return Probe.fail(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public Runtime createRuntime(RuntimeConfig config) {
    return AppleRuntime.fromConfig(config);
  }

  @Override
  public BacktestRunner createBacktestRunner(RuntimeConfig config) {
    return AppleBacktestRunner.fromConfig(config);
  }
}
