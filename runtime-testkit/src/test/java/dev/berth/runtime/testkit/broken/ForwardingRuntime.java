package dev.berth.runtime.testkit.broken;

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
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Forwards every call to a correct MockRuntime; each broken runtime overrides one method wrongly. */
abstract class ForwardingRuntime implements Runtime {
  final MockRuntime delegate;

  ForwardingRuntime(MockRuntime delegate) {
    this.delegate = delegate;
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public BotStatus create(BotSpec spec) {
    return delegate.create(spec);
  }

  @Override
  public void start(String botId) {
    delegate.start(botId);
  }

  @Override
  public void stop(String botId, Duration grace) {
    delegate.stop(botId, grace);
  }

  @Override
  public void stop(String botId) {
    delegate.stop(botId);
  }

  @Override
  public void restart(String botId) {
    delegate.restart(botId);
  }

  @Override
  public void delete(String botId) {
    delegate.delete(botId);
  }

  @Override
  public BotStatus status(String botId) {
    return delegate.status(botId);
  }

  @Override
  public Optional<String> address(String botId) {
    return delegate.address(botId);
  }

  @Override
  public String hostAddress() {
    return delegate.hostAddress();
  }

  @Override
  public Stream<LogLine> logs(String botId, LogOptions options) {
    return delegate.logs(botId, options);
  }

  @Override
  public BotStatus update(String botId, BotUpdate update) {
    return delegate.update(botId, update);
  }

  @Override
  public List<BotStatus> list(BotFilter filter) {
    return delegate.list(filter);
  }

  @Override
  public Health health() {
    return delegate.health();
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
    delegate.close();
  }
}
