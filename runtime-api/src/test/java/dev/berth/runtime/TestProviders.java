package dev.berth.runtime;

import dev.berth.runtime.spi.Probe;
import dev.berth.runtime.spi.RuntimeProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Providers registered in this module's test META-INF/services, one per discovery situation. */
final class TestProviders {
  static final AtomicInteger CLOSED = new AtomicInteger();

  private TestProviders() {}

  /** Usable, middle priority. */
  public static final class Alpha extends Base {
    public Alpha() {
      super("alpha", 10, Probe.pass("alpha is here"), Health.healthy("alpha 1.0"));
    }
  }

  /** Highest priority, but its probe fails. */
  public static final class Beta extends Base {
    public Beta() {
      super("beta", 50, Probe.fail("beta engine is down; start it"), Health.healthy("beta"));
    }
  }

  /** Probe passes but the created runtime is unhealthy. */
  public static final class Gamma extends Base {
    public Gamma() {
      super("gamma", 30, Probe.pass("gamma socket found"), Health.unhealthy("gamma refuses connections"));
    }
  }

  /** Low priority, usable. */
  public static final class Delta extends Base {
    public Delta() {
      super("delta", 1, Probe.pass("delta"), Health.healthy("delta"));
    }
  }

  /** A second provider of type alpha, as a second jar of one backend would be; Alpha wins by class name. */
  public static final class AlphaTwin extends Base {
    public AlphaTwin() {
      super("alpha", 10, Probe.pass("alpha twin is here"), Health.healthy("alpha 2.0"));
    }
  }

  /** The highest usable priority: its runtime is healthy, but it cannot make a backtest runner. */
  public static final class Epsilon extends Base {
    public Epsilon() {
      super("epsilon", 40, Probe.pass("epsilon found"), Health.healthy("epsilon 1.0"));
    }

    @Override
    public BacktestRunner createBacktestRunner(RuntimeConfig config) {
      throw new UnsupportedFeatureException("epsilon runs no backtests; use another runtime for them");
    }
  }

  /** Fails while the ServiceLoader instantiates it. */
  public static final class Broken extends Base {
    public Broken() {
      super("broken", 99, Probe.pass(""), Health.healthy(""));
      throw new IllegalStateException("broken on purpose");
    }
  }

  abstract static class Base implements RuntimeProvider {
    private final String type;
    private final int priority;
    private final Probe probe;
    private final Health health;

    Base(String type, int priority, Probe probe, Health health) {
      this.type = type;
      this.priority = priority;
      this.probe = probe;
      this.health = health;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Probe probe(RuntimeConfig config) {
      return probe;
    }

    @Override
    public Runtime createRuntime(RuntimeConfig config) {
      return new StubRuntime(type, health);
    }

    @Override
    public BacktestRunner createBacktestRunner(RuntimeConfig config) {
      return new StubRunner(type, health);
    }
  }

  /** A runtime that only answers type and health; discovery needs nothing else. */
  static final class StubRuntime implements Runtime {
    private final String type;
    private final Health health;

    StubRuntime(String type, Health health) {
      this.type = type;
      this.health = health;
    }

    @Override public String type() { return type; }
    @Override public Health health() { return health; }
    @Override public void close() { CLOSED.incrementAndGet(); }
    @Override public BotStatus create(BotSpec spec) { throw new UnsupportedOperationException(); }
    @Override public void start(String botId) { throw new UnsupportedOperationException(); }
    @Override public void stop(String botId, java.time.Duration grace) { throw new UnsupportedOperationException(); }
    @Override public void stop(String botId) { throw new UnsupportedOperationException(); }
    @Override public void restart(String botId) { throw new UnsupportedOperationException(); }
    @Override public void delete(String botId) { throw new UnsupportedOperationException(); }
    @Override public BotStatus status(String botId) { throw new UnsupportedOperationException(); }
    @Override public Optional<String> address(String botId) { return Optional.empty(); }
    @Override public String hostAddress() { return "127.0.0.1"; }
    @Override public Stream<LogLine> logs(String botId, LogOptions options) { return Stream.empty(); }
    @Override public BotStatus update(String botId, BotUpdate update) { throw new UnsupportedOperationException(); }
    @Override public List<BotStatus> list(BotFilter filter) { return List.of(); }
    @Override public Capabilities capabilities() { return Capabilities.builder().build(); }
    @Override public <F extends Feature> Optional<F> feature(Class<F> type) { return Optional.empty(); }
  }

  static final class StubRunner implements BacktestRunner {
    private final String type;
    private final Health health;

    StubRunner(String type, Health health) {
      this.type = type;
      this.health = health;
    }

    @Override public String type() { return type; }
    @Override public Health health() { return health; }
    @Override public void close() { CLOSED.incrementAndGet(); }
    @Override public BacktestExecution submit(BacktestSpec spec) { throw new UnsupportedOperationException(); }
    @Override public BacktestStatus status(String backtestId) { throw new UnsupportedOperationException(); }
    @Override public Stream<LogLine> logs(String backtestId, LogOptions options) { return Stream.empty(); }
    @Override public void cancel(String backtestId) { throw new UnsupportedOperationException(); }
    @Override public void delete(String backtestId) { throw new UnsupportedOperationException(); }
  }
}
