package dev.berth.runtime.apple;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the follows whose run has ended, since the CLI's {@code logs -f} never does: one thread for all of a
 * runtime's follows looks every 200 ms for the exit the wrapper records (a file on this host, cheap) and
 * every 2 s asks the CLI whether the container still runs (a run killed by SIGKILL records no exit). Closing
 * it ends every open follow.
 */
final class FollowWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FollowWatch.class);
  private static final long PERIOD_MILLIS = 200;
  private static final int CLI_EVERY = 10;

  private final String threadName;
  private final Set<LogFollow> follows = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService executor;
  private boolean closed;
  private long ticks;

  FollowWatch(String threadName) {
    this.threadName = threadName;
  }

  /** A stream that follows {@code source}; closing it ends the follow. */
  Stream<LogLine> open(ContainerLogs source, LogOptions options) {
    LogFollow follow = new LogFollow(source, options, follows::remove);
    synchronized (this) {
      if (closed) {
        follow.close();
      } else {
        follows.add(follow);
        if (executor == null) {
          executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
          });
          executor.scheduleWithFixedDelay(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
      }
    }
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(follow, Spliterator.ORDERED
        | Spliterator.NONNULL), false).onClose(follow::close);
  }

  private void check() {
    try {
      boolean askCli = ++ticks % CLI_EVERY == 0;
      Map<String, Boolean> active = new HashMap<>();
      for (LogFollow follow : follows) {
        ContainerLogs source = follow.source();
        if (!follow.ending() && (source.exitRecorded()
            || (askCli && !active.computeIfAbsent(source.name(), name -> source.active())))) {
          follow.finish();
        }
      }
    } catch (RuntimeException e) {
      log.debug("Checking followed containers failed: {}", e.toString()); // the next round asks again
    }
  }

  /** Ends every open follow and the thread; idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      closed = true;
      running = executor;
    }
    List.copyOf(follows).forEach(LogFollow::close);
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
