package dev.berth.runtime.micrometer;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.Feature;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Runtime;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link Runtime} that times every call of the runtime it wraps and counts its errors; answers and
 * exceptions pass through unchanged. Closing it removes its bot gauges and closes the wrapped runtime.
 */
final class MeteredRuntime implements Runtime {
  private final Runtime delegate;
  private final CallMeter calls;
  private final BotGauges gauges;
  private final MeterRegistry registry;

  MeteredRuntime(Runtime delegate, CallMeter calls, BotGauges gauges, MeterRegistry registry) {
    this.delegate = delegate;
    this.calls = calls;
    this.gauges = gauges;
    this.registry = registry;
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public BotStatus create(BotSpec spec) {
    return calls.call("create", () -> delegate.create(spec));
  }

  @Override
  public void start(String botId) {
    calls.run("start", () -> delegate.start(botId));
  }

  @Override
  public void stop(String botId, Duration grace) {
    calls.run("stop", () -> delegate.stop(botId, grace));
  }

  @Override
  public void stop(String botId) {
    calls.run("stop", () -> delegate.stop(botId));
  }

  @Override
  public void restart(String botId) {
    calls.run("restart", () -> delegate.restart(botId));
  }

  @Override
  public void delete(String botId) {
    calls.run("delete", () -> delegate.delete(botId));
  }

  @Override
  public BotStatus status(String botId) {
    return calls.call("status", () -> delegate.status(botId));
  }

  @Override
  public Optional<String> address(String botId) {
    return calls.call("address", () -> delegate.address(botId));
  }

  @Override
  public String hostAddress() {
    return delegate.hostAddress();
  }

  /** Times opening the stream; reading it is the caller's time. */
  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    return calls.call("logs", () -> delegate.logs(botId, options));
  }

  @Override
  public BotStatus update(String botId, BotUpdate update) {
    return calls.call("update", () -> delegate.update(botId, update));
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    return calls.call("list", () -> delegate.list(filter));
  }

  @Override
  public Health health() {
    return calls.call("health", delegate::health);
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public <F extends Feature> Optional<F> feature(Class<F> type) {
    return delegate.feature(type);
  }

  @Override
  public void close() {
    gauges.remove(registry);
    delegate.close();
  }

  @Override
  public String toString() {
    return "Metered" + delegate;
  }
}
