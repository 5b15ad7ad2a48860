package dev.berth.runtime.testkit.broken;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Runtimes whose answers lag behind what the backend observed, or leave out what it knows. */
final class StaleRuntimes {
  private static final long THREE_SECONDS = TimeUnit.SECONDS.toNanos(3);

  private StaleRuntimes() {}

  /** A value and when it was read. */
  private record Cached<T>(T value, long at) {
    boolean fresh() {
      return System.nanoTime() - at < THREE_SECONDS;
    }
  }

  /**
   * status() is cached for 3 s per id. The instance drops its entry on its own create, start, stop, restart,
   * delete and update, so every transition it made itself reads true at once: only a transition it did not
   * make (an exit on its own, another instance's call) stays hidden for up to 3 s.
   */
  static final class StatusCachedForThreeSeconds extends ForwardingRuntime {
    private final Map<String, Cached<BotStatus>> cache = new ConcurrentHashMap<>();

    StatusCachedForThreeSeconds(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public BotStatus status(String botId) {
      Cached<BotStatus> cached = cache.get(botId);
      if (cached != null && cached.fresh()) {
        return cached.value();
      }
      BotStatus fresh = delegate.status(botId);
      cache.put(botId, new Cached<>(fresh, System.nanoTime()));
      return fresh;
    }

    @Override
    public BotStatus create(BotSpec spec) {
      cache.remove(spec.id());
      return delegate.create(spec);
    }

    @Override
    public void start(String botId) {
      cache.remove(botId);
      delegate.start(botId);
    }

    @Override
    public void stop(String botId, Duration grace) {
      cache.remove(botId);
      delegate.stop(botId, grace);
    }

    @Override
    public void stop(String botId) {
      cache.remove(botId);
      delegate.stop(botId);
    }

    @Override
    public void restart(String botId) {
      cache.remove(botId);
      delegate.restart(botId);
    }

    @Override
    public void delete(String botId) {
      cache.remove(botId);
      delegate.delete(botId);
    }

    @Override
    public BotStatus update(String botId, BotUpdate update) {
      cache.remove(botId);
      return delegate.update(botId, update);
    }
  }

  /** list() is cached for 3 s per filter, whatever happens meanwhile; status() is fresh. */
  static final class ListCachedForThreeSeconds extends ForwardingRuntime {
    private final Map<BotFilter, Cached<List<BotStatus>>> cache = new ConcurrentHashMap<>();

    ListCachedForThreeSeconds(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public List<BotStatus> list(BotFilter filter) {
      Cached<List<BotStatus>> cached = cache.get(filter);
      if (cached != null && cached.fresh()) {
        return cached.value();
      }
      List<BotStatus> fresh = delegate.list(filter);
      cache.put(filter, new Cached<>(fresh, System.nanoTime()));
      return fresh;
    }
  }

  /** address() is always empty, although the backend has networking and the bot runs. */
  static final class AddressAlwaysEmpty extends ForwardingRuntime {
    AddressAlwaysEmpty(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public Optional<String> address(String botId) {
      delegate.status(botId);
      return Optional.empty();
    }
  }
}
