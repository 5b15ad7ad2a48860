package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.RuntimeOperationException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One log request to Docker. docker-java pushes frames on its stream thread; they are decoded into lines
 * and handed over through a bounded queue (so a slow reader slows the stream instead of filling memory);
 * the reader pulls with {@link #take}. {@link #shutdown} from any thread closes the HTTP response, which
 * ends docker-java's thread, and wakes a reader blocked in {@code take}.
 */
final class LogFeed extends QuietCallback<Frame> {
  /** What {@link #take} returns once the feed is over. */
  static final Object END = new Object();
  private static final int QUEUE = 4096;

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
  private final LogFrameDecoder decoder = new LogFrameDecoder(this::put);
  private final AtomicBoolean done = new AtomicBoolean();
  private final String botId;
  private final DockerErrors errors;
  private final boolean quietWhenGone;
  private final Consumer<LogFeed> onDone;
  private volatile boolean shutdown;
  private boolean ended;

  /**
   * @param quietWhenGone end without an error when the container no longer exists (a resumed read of a
   *     workload that was removed meanwhile)
   * @param onDone runs once, when the reader saw the end or the feed was shut down
   */
  LogFeed(String botId, DockerErrors errors, boolean quietWhenGone, Consumer<LogFeed> onDone) {
    this.botId = botId;
    this.errors = errors;
    this.quietWhenGone = quietWhenGone;
    this.onDone = onDone;
  }

  @Override
  public void onStart(java.io.Closeable stream) {
    // docker-java runs each stream on a thread of its own; name it after the workload for thread dumps
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

  /** The next {@link LogLine}, or {@link #END}; throws the stream's error as a Berth exception. */
  Object take() {
    if (ended || shutdown) {
      finish();
      return END;
    }
    try {
      Object item = queue.take();
      if (item == END) {
        ended = true;
        finish();
        error().filter(e -> !shutdown && !(quietWhenGone && e instanceof RuntimeException
            && DockerErrors.isGone((RuntimeException) e))).ifPresent(e -> {
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

  /** Whether the feed ended because it was shut down rather than because Docker ended it. */
  boolean wasShutdown() {
    return shutdown;
  }

  /** Ends the feed; called when the Java stream is closed or the runtime closes, from any thread. */
  void shutdown() {
    shutdown = true;
    closeQuietly(this);
    queue.clear();
    queue.offer(END); // wakes a reader blocked in take()
    finish();
  }

  private void finish() {
    if (done.compareAndSet(false, true)) {
      onDone.accept(this);
    }
  }
}
