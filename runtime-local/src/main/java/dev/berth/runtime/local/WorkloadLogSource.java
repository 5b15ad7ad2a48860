package dev.berth.runtime.local;

import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot's or backtest's log as {@code logs()} reads it: output is copied into the log in steps of a few
 * rotations, each under the log lock on its own, so followers read between the steps and keep up with rotation.
 */
final class WorkloadLogSource implements LogReader.Source {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadLogSource.class);
  /** Copy steps a reader waits for before it reads what is there (a writer may outpace the copy). */
  private static final int MAX_READER_STEPS = 64;

  private final String kind;
  private final WorkloadDir dir;
  private final LogPump pump;
  private final BooleanSupplier running;
  private final BooleanSupplier closed;

  /**
   * @param kind {@code bot} or {@code backtest}, for messages
   * @param running whether the workload runs now; finalises its log first when it has just exited
   * @param closed whether the runtime serving the log was closed
   */
  WorkloadLogSource(String kind, WorkloadDir dir, LogPump pump, BooleanSupplier running, BooleanSupplier closed) {
    this.kind = kind;
    this.dir = dir;
    this.pump = pump;
    this.running = running;
    this.closed = closed;
  }

  @Override
  public boolean isRunning() {
    return running.getAsBoolean();
  }

  @Override
  public boolean isClosed() {
    return closed.getAsBoolean();
  }

  @Override
  public <T> T drainAndRead(LogReader.IoFunction<Path, T> read) {
    for (int step = 0; step < MAX_READER_STEPS && drainStep(); step++) {
      // until caught up
    }
    return drainAndFollow(read);
  }

  @Override
  public <T> T drainAndFollow(LogReader.IoFunction<Path, T> read) {
    WorkloadLock.Held held = WorkloadLock.lock(dir.logsDir());
    try {
      try {
        pump.drainStep(false);
      } catch (IOException e) {
        LOG.warn("Copying the output of {} {} into its log failed: {}", kind, dir.id(), e.toString());
      }
      return read.apply(dir.logsDir());
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading the logs of " + kind + " '" + dir.id() + "' from " + dir.logsDir()
          + " failed: " + e.getMessage(), e);
    } finally {
      held.close();
    }
  }

  /** One copy step under the lock; whether output is left to copy. */
  private boolean drainStep() {
    WorkloadLock.Held held = WorkloadLock.lock(dir.logsDir());
    try {
      LogPump.Drained step = pump.drainStep(false);
      return step.left() && step.lines() > 0;
    } catch (IOException e) {
      LOG.warn("Copying the output of {} {} into its log failed: {}", kind, dir.id(), e.toString());
      return false;
    } finally {
      held.close();
    }
  }
}
