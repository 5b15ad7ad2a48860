package dev.berth.runtime.testkit.broken;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Runtimes that each break one rule of DESIGN §2; the kit must reject every one of them. */
final class BrokenRuntimes {
  private BrokenRuntimes() {}

  /** start on a running bot restarts it. */
  static final class StartNotIdempotent extends ForwardingRuntime {
    StartNotIdempotent(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public void start(String botId) {
      if (delegate.status(botId).isRunning()) {
        delegate.restart(botId);
      } else {
        delegate.start(botId);
      }
    }
  }

  /** delete of an unknown id throws instead of doing nothing. */
  static final class DeleteThrowsOnUnknownId extends ForwardingRuntime {
    DeleteThrowsOnUnknownId(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public void delete(String botId) {
      delegate.status(botId);
      delegate.delete(botId);
    }
  }

  /** list shows the bots of every scope on the engine. */
  static final class ListLeaksOtherScopes extends ForwardingRuntime {
    ListLeaksOtherScopes(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public List<BotStatus> list(BotFilter filter) {
      return delegate.engine().scopes().stream().flatMap(scope -> delegate.engine().bots(scope).stream())
          .filter(filter::matches).collect(Collectors.toList());
    }
  }

  /** A follow never ends on its own; only closing the stream ends it. */
  static final class FollowNeverEnds extends ForwardingRuntime {
    FollowNeverEnds(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public Stream<LogLine> logs(String botId, LogOptions options) {
      Stream<LogLine> real = delegate.logs(botId, options);
      if (!options.follow()) {
        return real;
      }
      CountDownLatch closed = new CountDownLatch(1);
      Stream<LogLine> waitForClose = StreamSupport.stream(new Spliterators.AbstractSpliterator<LogLine>(
          Long.MAX_VALUE, Spliterator.ORDERED) {
        @Override
        public boolean tryAdvance(java.util.function.Consumer<? super LogLine> action) {
          try {
            closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return false;
        }
      }, false);
      return Stream.concat(real, waitForClose).onClose(closed::countDown);
    }
  }

  /** A follow drops the last line when the workload exits. */
  static final class LosesTheLastLine extends ForwardingRuntime {
    LosesTheLastLine(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public Stream<LogLine> logs(String botId, LogOptions options) {
      Stream<LogLine> real = delegate.logs(botId, options);
      if (!options.follow()) {
        return real;
      }
      Iterator<LogLine> lines = real.iterator();
      Iterator<LogLine> allButLast = new Iterator<>() {
        private LogLine held = lines.hasNext() ? lines.next() : null;

        @Override
        public boolean hasNext() {
          return held != null && lines.hasNext();
        }

        @Override
        public LogLine next() {
          LogLine out = held;
          held = lines.next();
          return out;
        }
      };
      return StreamSupport.stream(Spliterators.spliteratorUnknownSize(allButLast, Spliterator.ORDERED), false)
          .onClose(real::close);
    }
  }

  /** stop kills at once, ignoring the grace period. */
  static final class StopIgnoresGrace extends ForwardingRuntime {
    StopIgnoresGrace(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public void stop(String botId, Duration grace) {
      delegate.stop(botId, Duration.ZERO);
    }
  }

  /** stop returns at once and stops the bot a little later on another thread. */
  static final class StopReturnsBeforeStopped extends ForwardingRuntime {
    StopReturnsBeforeStopped(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public void stop(String botId, Duration grace) {
      delegate.status(botId);
      Thread later = new Thread(() -> {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        try {
          delegate.stop(botId, grace);
        } catch (RuntimeException e) {
          // The test (and its runtime) may be gone by now.
        }
      }, "broken-async-stop");
      later.setDaemon(true);
      later.start();
    }
  }

  /** status is cached for 5 s and not refreshed by stop. */
  static final class StaleStatusAfterStop extends ForwardingRuntime {
    private record Cached(BotStatus status, long at) {}

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    StaleStatusAfterStop(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public BotStatus status(String botId) {
      Cached cached = cache.get(botId);
      if (cached != null && System.nanoTime() - cached.at < TimeUnit.SECONDS.toNanos(5)) {
        return cached.status;
      }
      BotStatus fresh = delegate.status(botId);
      cache.put(botId, new Cached(fresh, System.nanoTime()));
      return fresh;
    }
  }

  /** An unknown id yields IllegalArgumentException instead of BotNotFoundException. */
  static final class WrongExceptionForUnknownId extends ForwardingRuntime {
    WrongExceptionForUnknownId(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public BotStatus status(String botId) {
      try {
        return delegate.status(botId);
      } catch (BotNotFoundException e) {
        throw new IllegalArgumentException("no such container: " + botId);
      }
    }

    @Override
    public void start(String botId) {
      try {
        delegate.start(botId);
      } catch (BotNotFoundException e) {
        throw new IllegalArgumentException("no such container: " + botId);
      }
    }
  }

  /** A non-zero exit is reported as STOPPED. */
  static final class ExitCodeIgnored extends ForwardingRuntime {
    ExitCodeIgnored(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public BotStatus status(String botId) {
      BotStatus status = delegate.status(botId);
      return status.state() == BotState.FAILED ? status.toBuilder().state(BotState.STOPPED).build() : status;
    }
  }

  /** close stops every running bot of the scope. */
  static final class CloseStopsBots extends ForwardingRuntime {
    CloseStopsBots(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public void close() {
      delegate.runningBots().forEach(bot -> delegate.stop(bot.id(), Duration.ZERO));
      delegate.close();
    }
  }

  /** create with a taken id replaces the existing bot. */
  static final class DuplicateCreateOverwrites extends ForwardingRuntime {
    DuplicateCreateOverwrites(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public BotStatus create(BotSpec spec) {
      delegate.delete(spec.id());
      return delegate.create(spec);
    }
  }

  /** create checks, then acts, without a lock: concurrent creates of one id all "succeed". */
  static final class NotThreadSafe extends ForwardingRuntime {
    NotThreadSafe(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public BotStatus create(BotSpec spec) {
      boolean exists = delegate.list().stream().anyMatch(bot -> bot.id().equals(spec.id()));
      if (exists) {
        throw new BotAlreadyExistsException(spec.id(), delegate.scope());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      delegate.delete(spec.id());
      return delegate.create(spec);
    }
  }

  /** delete of a malformed id is a silent no-op, as if the id were merely unknown. */
  static final class DeleteOfAMalformedIdIsANoOp extends ForwardingRuntime {
    DeleteOfAMalformedIdIsANoOp(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public void delete(String botId) {
      if (WorkloadKind.isValidId(botId)) {
        delegate.delete(botId);
      }
    }
  }

  /** After close, status fails with a JDK exception instead of RuntimeClosedException. */
  static final class ClosedThrowsIllegalState extends ForwardingRuntime {
    private volatile boolean closed;

    ClosedThrowsIllegalState(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public BotStatus status(String botId) {
      if (closed) {
        throw new IllegalStateException("This runtime is closed");
      }
      return delegate.status(botId);
    }

    @Override
    public void close() {
      closed = true;
      delegate.close();
    }
  }

  /** capabilities() claims memory limits are enforced and OOM kills detected, but a bot over its limit runs on. */
  static final class ClaimsMemoryEnforcement extends ForwardingRuntime {
    ClaimsMemoryEnforcement(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public Capabilities capabilities() {
      Capabilities real = delegate.capabilities();
      return Capabilities.builder().enforcesMemoryLimit(true).detectsOomKill(true)
          .networkModes(real.networkModes()).restartPolicies(real.restartPolicies()).build();
    }
  }

  /** close() ends nothing a follow reads: a follow open at close goes on until the bot stops. */
  static final class CloseLeavesFollowsOpen extends ForwardingRuntime {
    private final MockRuntime follows;

    CloseLeavesFollowsOpen(MockRuntime delegate) {
      super(delegate);
      this.follows = MockRuntime.builder().engine(delegate.engine()).scope(delegate.scope()).build();
    }

    @Override
    public Stream<LogLine> logs(String botId, LogOptions options) {
      return follows.logs(botId, options);
    }
  }

  /** start of a program that does not exist neither fails nor says so: the bot just never runs. */
  static final class MissingProgramUnnamed extends ForwardingRuntime {
    MissingProgramUnnamed(MockRuntime delegate) {
      super(delegate);
    }

    @Override
    public void start(String botId) {
      try {
        delegate.start(botId);
      } catch (RuntimeOperationException e) {
        // swallowed: the broken part
      }
    }
  }
}
