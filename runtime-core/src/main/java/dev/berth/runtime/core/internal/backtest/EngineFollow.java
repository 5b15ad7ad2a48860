package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.LogCursor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A follow of a backtest that loses no line: it reads the driver's live follow, and when that ends (the
 * workload exited, or the engine's stream ended early, as Docker's does for a late follower of a fast
 * writer) it waits for the complete log the engine spools after the exit and delivers what the live
 * follow missed, exactly once and in order. Closing it, from any thread, ends it at once; so does closing
 * the engine.
 */
final class EngineFollow<W> implements Iterator<LogLine> {
  private final CompletableFuture<Optional<W>> started;
  private final Function<W, Stream<LogLine>> liveOpener;
  private final CompletableFuture<Optional<LogSpool>> spool;
  private final LogOptions options;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final LogCursor cursor = new LogCursor();
  private final Runnable onClose;
  private Stream<LogLine> live;
  private Iterator<LogLine> lines;
  private Stream<LogLine> rest;
  private boolean liveEnded;
  private LogLine next;

  /**
   * @param started completes with the workload once it runs, or empty when it never will
   * @param liveOpener opens the driver's follow of the workload; called on the reader's thread at the first
   *     read, once the workload runs
   * @param spool completes with the spooled log once the backtest ended (empty when there is none)
   * @param onClose called once when the follow is closed
   */
  EngineFollow(CompletableFuture<Optional<W>> started, Function<W, Stream<LogLine>> liveOpener,
      CompletableFuture<Optional<LogSpool>> spool, LogOptions options, Runnable onClose) {
    this.started = started;
    this.liveOpener = liveOpener;
    this.spool = spool;
    this.options = options;
    this.onClose = onClose;
  }

  Stream<LogLine> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED
        | Spliterator.NONNULL), false).onClose(this::close);
  }

  @Override
  public boolean hasNext() {
    try {
      return advance();
    } catch (RuntimeException e) {
      if (closed.isDone()) {
        return false; // closed from another thread while reading: the end, not an error
      }
      throw e;
    }
  }

  private boolean advance() {
    while (next == null && !closed.isDone()) {
      if (lines == null) {
        openLive();
      } else if (lines.hasNext()) {
        LogLine line = lines.next();
        if (liveEnded) {
          next = line;
        } else if (options.accepts(line)) {
          cursor.delivered(line);
          next = line;
        }
      } else if (!liveEnded) {
        liveEnded = true;
        lines = missedLines();
      } else {
        return false;
      }
    }
    return next != null;
  }

  @Override
  public LogLine next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    LogLine line = next;
    next = null;
    return line;
  }

  private void openLive() {
    Optional<W> workload = await(started).flatMap(w -> w);
    if (closed.isDone()) {
      return;
    }
    if (workload.isEmpty()) { // it ended before it ran: only the spool can have lines
      liveEnded = true;
      lines = missedLines();
      return;
    }
    Stream<LogLine> opened = liveOpener.apply(workload.get());
    synchronized (this) {
      if (closed.isDone()) {
        opened.close();
        return;
      }
      live = opened;
    }
    lines = opened.iterator();
  }

  /** Waits for the spooled log and returns the lines the live follow did not deliver. */
  private Iterator<LogLine> missedLines() {
    Optional<LogSpool> complete = awaitSpool();
    if (complete.isEmpty() || closed.isDone()) {
      return java.util.Collections.emptyIterator();
    }
    Stream<LogLine> missed;
    if (cursor.deliveredAny()) {
      Predicate<LogLine> notDelivered = cursor.missed();
      missed = complete.get().all().filter(options::accepts).filter(notDelivered);
    } else {
      missed = complete.get().select(options);
    }
    synchronized (this) {
      if (closed.isDone()) {
        missed.close();
        return java.util.Collections.emptyIterator();
      }
      rest = missed;
    }
    return missed.iterator();
  }

  private Optional<LogSpool> awaitSpool() {
    return await(spool).flatMap(s -> s);
  }

  /** The future's value once it completes, or empty when the follow is closed first or it failed. */
  private <T> Optional<T> await(CompletableFuture<T> future) {
    try {
      CompletableFuture.anyOf(future, closed).get();
      return future.isDone() && !future.isCompletedExceptionally() ? Optional.ofNullable(future.get())
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty();
    }
  }

  /** Ends the follow; safe from any thread, idempotent. */
  void close() {
    Stream<LogLine> liveToClose;
    Stream<LogLine> restToClose;
    synchronized (this) {
      if (!closed.complete(null)) {
        return;
      }
      liveToClose = live;
      restToClose = rest;
    }
    try {
      if (liveToClose != null) {
        liveToClose.close();
      }
    } finally {
      try {
        if (restToClose != null) {
          restToClose.close();
        }
      } finally {
        onClose.run();
      }
    }
  }
}
