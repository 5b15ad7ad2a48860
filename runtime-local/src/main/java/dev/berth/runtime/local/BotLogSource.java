package dev.berth.runtime.local;

import dev.berth.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot's log as {@code logs()} reads it: output is copied into the log in steps of a few rotations, each under
 * the log lock on its own, so followers read between the steps and keep up with rotation.
 */
final class BotLogSource implements LogReader.Source {
  private static final Logger LOG = LoggerFactory.getLogger(BotLogSource.class);
  /** Copy steps a reader waits for before it reads what is there (a writer may outpace the copy). */
  private static final int MAX_READER_STEPS = 64;

  private final TrackedBot bot;
  private final BooleanSupplier running;
  private final BooleanSupplier closed;

  BotLogSource(TrackedBot bot, BooleanSupplier running, BooleanSupplier closed) {
    this.bot = bot;
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
    WorkloadLock.Held held = WorkloadLock.lock(bot.dir.logsDir());
    try {
      try {
        bot.pump.drainStep(false);
      } catch (IOException e) {
        LOG.warn("Copying the output of {} into its log failed: {}", bot.id(), e.toString());
      }
      return read.apply(bot.dir.logsDir());
    } catch (IOException e) {
      throw new RuntimeOperationException("Reading the logs of bot '" + bot.id() + "' from " + bot.dir.logsDir()
          + " failed: " + e.getMessage(), e);
    } finally {
      held.close();
    }
  }

  /** One copy step under the lock; whether output is left to copy. */
  private boolean drainStep() {
    WorkloadLock.Held held = WorkloadLock.lock(bot.dir.logsDir());
    try {
      LogPump.Drained step = bot.pump.drainStep(false);
      return step.left() && step.lines() > 0;
    } catch (IOException e) {
      LOG.warn("Copying the output of {} into its log failed: {}", bot.id(), e.toString());
      return false;
    } finally {
      held.close();
    }
  }
}
