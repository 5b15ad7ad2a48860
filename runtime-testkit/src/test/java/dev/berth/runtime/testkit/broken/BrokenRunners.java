package dev.berth.runtime.testkit.broken;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BacktestState;
import dev.berth.runtime.BacktestStatus;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.testkit.MockBacktestRunner;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** Backtest runners that each break one rule; the kit must reject every one of them. */
final class BrokenRunners {
  private BrokenRunners() {}

  /** Forwards every call to a correct MockBacktestRunner. */
  abstract static class Forwarding implements BacktestRunner {
    final MockBacktestRunner delegate;

    Forwarding(MockBacktestRunner delegate) {
      this.delegate = delegate;
    }

    @Override
    public String type() {
      return delegate.type();
    }

    @Override
    public BacktestExecution submit(BacktestSpec spec) {
      return delegate.submit(spec);
    }

    @Override
    public BacktestStatus status(String backtestId) {
      return delegate.status(backtestId);
    }

    @Override
    public Stream<LogLine> logs(String backtestId, LogOptions options) {
      return delegate.logs(backtestId, options);
    }

    @Override
    public void cancel(String backtestId) {
      delegate.cancel(backtestId);
    }

    @Override
    public void delete(String backtestId) {
      delegate.delete(backtestId);
    }

    @Override
    public Health health() {
      return delegate.health();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** delete only cancels: the backtest, its workload and its logs stay. */
  static final class LeavesWorkloadBehindAfterDelete extends Forwarding {
    LeavesWorkloadBehindAfterDelete(MockBacktestRunner delegate) {
      super(delegate);
    }

    @Override
    public void delete(String backtestId) {
      try {
        delegate.cancel(backtestId);
      } catch (BacktestNotFoundException e) {
        // Unknown: nothing to do.
      }
    }
  }

  /** A cancelled backtest is reported as FAILED. */
  static final class CancelReportedAsFailed extends Forwarding {
    CancelReportedAsFailed(MockBacktestRunner delegate) {
      super(delegate);
    }

    @Override
    public BacktestStatus status(String backtestId) {
      BacktestStatus status = delegate.status(backtestId);
      return status.state() != BacktestState.CANCELLED ? status : new BacktestStatus(status.id(),
          BacktestState.FAILED, status.exitCode(), status.startedAt(), status.finishedAt(), status.message());
    }
  }

  /** await(maxWait) gives up at once instead of waiting up to maxWait. */
  static final class AwaitGivesUpAtOnce extends Forwarding {
    AwaitGivesUpAtOnce(MockBacktestRunner delegate) {
      super(delegate);
    }

    @Override
    public BacktestExecution submit(BacktestSpec spec) {
      BacktestExecution real = delegate.submit(spec);
      return new BacktestExecution() {
        @Override
        public String id() {
          return real.id();
        }

        @Override
        public BacktestStatus status() {
          return real.status();
        }

        @Override
        public BacktestResult await() {
          return real.await();
        }

        @Override
        public BacktestResult await(Duration maxWait) {
          return real.await(Duration.ZERO);
        }

        @Override
        public CompletableFuture<BacktestResult> result() {
          return real.result();
        }

        @Override
        public void cancel() {
          real.cancel();
        }
      };
    }
  }

  /** After close, status fails with a JDK exception instead of RuntimeClosedException. */
  static final class ClosedThrowsIllegalState extends Forwarding {
    private volatile boolean closed;

    ClosedThrowsIllegalState(MockBacktestRunner delegate) {
      super(delegate);
    }

    @Override
    public BacktestStatus status(String backtestId) {
      if (closed) {
        throw new IllegalStateException("This backtest runner is closed; create a new one");
      }
      return delegate.status(backtestId);
    }

    @Override
    public void close() {
      closed = true;
      delegate.close();
    }
  }
}
