package dev.berth.runtime.testkit.broken;

import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Runtimes correct one call at a time that break only when calls on one id overlap. */
final class RacyRuntimes {
  private RacyRuntimes() {}

  /**
   * Answers status() from a cache that every change refreshes after the fact, without holding the bot's lock:
   * of two overlapping changes the one that read first may write last, and status() then reports a state the
   * bot left (or a bot that is gone). Sequentially the cache is always fresh.
   */
  static final class StatusCacheRacesChanges extends ForwardingRuntime {
    private final Map<String, BotStatus> cache = new ConcurrentHashMap<>();

    StatusCacheRacesChanges(MockRuntime delegate) {
      super(delegate);
    }

    private void refresh(String botId) {
      BotStatus read;
      try {
        read = delegate.status(botId);
      } catch (BotNotFoundException e) {
        read = null;
      }
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // the window another change slips into
      if (read == null) {
        cache.remove(botId);
      } else {
        cache.put(botId, read);
      }
    }

    @Override
    public BotStatus create(BotSpec spec) {
      BotStatus created = delegate.create(spec);
      refresh(spec.id());
      return created;
    }

    @Override
    public void start(String botId) {
      delegate.start(botId);
      refresh(botId);
    }

    @Override
    public void stop(String botId, Duration grace) {
      delegate.stop(botId, grace);
      refresh(botId);
    }

    @Override
    public void restart(String botId) {
      delegate.restart(botId);
      refresh(botId);
    }

    @Override
    public BotStatus update(String botId, BotUpdate update) {
      BotStatus updated = delegate.update(botId, update);
      refresh(botId);
      return updated;
    }

    @Override
    public void delete(String botId) {
      delegate.delete(botId);
      refresh(botId);
    }

    @Override
    public BotStatus status(String botId) {
      BotStatus cached = cache.get(botId);
      return cached != null ? cached : delegate.status(botId);
    }
  }
}
