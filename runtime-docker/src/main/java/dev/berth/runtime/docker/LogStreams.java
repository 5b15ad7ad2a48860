package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.RuntimeOperationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Container logs as a {@link Stream} of lines. docker-java pushes frames on its stream thread into a
 * bounded queue (so a slow reader slows the stream instead of filling memory); the caller's thread pulls.
 * Closing the Java stream closes the HTTP response, which ends docker-java's thread: nothing is left
 * running. A follow ends when Docker ends the response, i.e. when the container stops, after every line.
 */
final class LogStreams {
  private static final int QUEUE = 4096;
  private static final Object END = new Object();

  private final DockerClient client;
  private final DockerErrors errors;

  LogStreams(DockerConnection connection) {
    this.client = connection.client();
    this.errors = connection.errors();
  }

  Stream<LogLine> open(String containerId, LogOptions options, String botId) {
    LogContainerCmd cmd = client.logContainerCmd(containerId)
        .withStdOut(options.streams().contains(LogStream.STDOUT))
        .withStdErr(options.streams().contains(LogStream.STDERR))
        .withTimestamps(true)
        .withFollowStream(options.follow());
    if (options.tail() >= 0) {
      cmd.withTail(options.tail());
    } else {
      cmd.withTailAll();
    }
    options.since().ifPresent(since -> cmd.withSince((int) since.getEpochSecond()));
    Feed feed = new Feed();
    cmd.exec(feed);
    Iterator<LogLine> lines = new Iterator<>() {
      private Object next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          next = feed.take();
        }
        return next != END;
      }

      @Override
      public LogLine next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        LogLine line = (LogLine) next;
        next = null;
        return line;
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(feed::shutdown).filter(options::accepts);
  }

  /** Receives frames on docker-java's thread and hands lines over through the queue. */
  private final class Feed extends QuietCallback<Frame> {
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final LogFrameDecoder decoder = new LogFrameDecoder(this::put);
    private volatile boolean shutdown;
    private boolean ended;

    @Override
    public void onNext(Frame frame) {
      LogStream stream = frame.getStreamType() == StreamType.STDERR ? LogStream.STDERR : LogStream.STDOUT;
      decoder.accept(stream, frame.getPayload());
    }

    @Override
    public void onComplete() {
      decoder.flush();
      put(END);
      super.onComplete();
    }

    @Override
    public void onError(Throwable throwable) {
      super.onError(throwable);
      decoder.flush();
      put(END);
    }

    private void put(Object item) {
      try {
        while (!shutdown && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          // the reader is slow: wait, unless it closed the stream
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    Object take() {
      if (ended) {
        return END;
      }
      try {
        Object item = queue.take();
        if (item == END) {
          ended = true;
          error().filter(e -> !shutdown).ifPresent(e -> {
            throw errors.translate(e instanceof RuntimeException ? (RuntimeException) e
                : new RuntimeOperationException(String.valueOf(e.getMessage()), e), "reading logs", null);
          });
        }
        return item;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        shutdown();
        return END;
      }
    }

    void shutdown() {
      shutdown = true;
      closeQuietly(this);
      queue.clear();
    }
  }
}
