package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A docker-java stream callback that keeps its error for the caller instead of logging it at ERROR (the
 * default does, even when Berth closed the stream on purpose). A close that comes before docker-java hands
 * over the stream ({@link #onStart}) is not lost: docker-java's template would reopen the callback there and
 * keep its stream thread and pooled connection until the container ends, so whichever of close and
 * {@code onStart} comes second closes the stream.
 *
 * @param <T> the streamed item type
 */
class QuietCallback<T> extends ResultCallback.Adapter<T> {
  private static final Logger log = LoggerFactory.getLogger(QuietCallback.class);
  private volatile Throwable error;
  private volatile Closeable stream;
  private volatile boolean closeRequested;

  @Override
  public void onStart(Closeable stream) {
    super.onStart(stream);
    this.stream = stream;
    if (closeRequested) {
      closeStream(stream);
    }
  }

  @Override
  public void close() throws IOException {
    closeRequested = true;
    try {
      super.close();
    } finally {
      Closeable started = stream;
      if (started != null) {
        closeStream(started);
      }
    }
  }

  /** Closes the template (which ends awaitCompletion) and the stream, even if the template was closed. */
  private void closeStream(Closeable started) {
    try {
      super.close();
      started.close();
    } catch (IOException | RuntimeException e) {
      log.debug("Closing a Docker stream failed", e);
    }
  }

  @Override
  public void onNext(T item) {
    // subclasses consume items
  }

  @Override
  public void onError(Throwable throwable) {
    if (error == null) {
      error = throwable;
    }
    log.debug("Docker stream ended with an error", throwable);
    closeQuietly(this);
  }

  /** The stream's error, if it ended with one. */
  Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  /** Records an error reported inside a stream item (e.g. a pull's errorDetail). */
  void fail(Throwable throwable) {
    onError(throwable);
  }

  static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException | RuntimeException e) {
      log.debug("Closing a Docker stream failed", e);
    }
  }
}
