package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.RuntimeOperationException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
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

  /**
   * The container's lines as {@code options} asks. Docker's own {@code tail} counts both streams and
   * knows no sub-second {@code since}; when either matters the tail is taken here, and a follow then
   * continues from the last line already delivered.
   */
  Stream<LogLine> open(String containerId, LogOptions options, String botId) {
    boolean dockerTailIsExact = options.tail() < 0
        || (options.streams().size() == LogStream.values().length && options.since().isEmpty());
    if (dockerTailIsExact) {
      return raw(containerId, botId, options, options.follow(), options.tail());
    }
    Deque<LogLine> existing = new ArrayDeque<>();
    Instant last = null;
    long atLast = 0;
    try (Stream<LogLine> all = raw(containerId, botId, options, false, LogOptions.ALL)) {
      for (Iterator<LogLine> it = all.iterator(); it.hasNext(); ) {
        LogLine line = it.next();
        atLast = line.timestamp().equals(last) ? atLast + 1 : 1;
        last = line.timestamp();
        existing.addLast(line);
        if (existing.size() > options.tail()) {
          existing.removeFirst();
        }
      }
    }
    if (!options.follow()) {
      return existing.stream();
    }
    Instant after = last;
    long[] toSkip = {atLast};
    LogOptions rest = after == null ? options : LogOptions.builder().follow(true).streams(options.streams())
        .since(after).build();
    Stream<LogLine> more = raw(containerId, botId, rest, true, LogOptions.ALL).filter(line -> {
      if (after == null || line.timestamp().isAfter(after)) {
        return true;
      }
      return line.timestamp().equals(after) && toSkip[0]-- <= 0;
    });
    return Stream.concat(existing.stream(), more);
  }

  private Stream<LogLine> raw(String containerId, String botId, LogOptions options, boolean follow, int tail) {
    LogContainerCmd cmd = client.logContainerCmd(containerId)
        .withStdOut(options.streams().contains(LogStream.STDOUT))
        .withStdErr(options.streams().contains(LogStream.STDERR))
        .withTimestamps(true)
        .withFollowStream(follow);
    if (tail >= 0) {
      cmd.withTail(tail);
    } else {
      cmd.withTailAll();
    }
    options.since().ifPresent(since -> cmd.withSince((int) since.getEpochSecond()));
    Feed feed = new Feed(botId);
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
    private final String botId;
    private boolean ended;

    Feed(String botId) {
      this.botId = botId;
    }

    @Override
    public void onStart(java.io.Closeable stream) {
      // docker-java runs each stream on a thread of its own; name it after the bot for thread dumps
      Thread.currentThread().setName("berth-docker-logs-" + botId);
      super.onStart(stream);
    }

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
      if (ended || shutdown) {
        return END;
      }
      try {
        Object item = queue.take();
        if (item == END) {
          ended = true;
          error().filter(e -> !shutdown).ifPresent(e -> {
            throw errors.translate(e instanceof RuntimeException ? (RuntimeException) e
                : new RuntimeOperationException(String.valueOf(e.getMessage()), e), "reading the logs of '"
                + botId + "'", botId);
          });
        }
        return item;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        shutdown();
        return END;
      }
    }

    /** Called when the Java stream is closed, possibly from another thread than the reader's. */
    void shutdown() {
      shutdown = true;
      closeQuietly(this);
      queue.clear();
      queue.offer(END); // wakes a reader blocked in take()
    }
  }
}
