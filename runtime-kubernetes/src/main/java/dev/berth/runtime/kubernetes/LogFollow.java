package dev.berth.runtime.kubernetes;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.internal.LogCursor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A follow of a pod log that survives the stream ending early: while the container still runs it reconnects
 * with {@code sinceTime} (whole seconds) at the last delivered line and drops what it already delivered (core's
 * {@link LogCursor}), so every line arrives once and in order. Once the container has ended, one last read
 * delivers what the stream missed, then the follow ends; if the container has restarted meanwhile, that read is of
 * its previous instance, the one the follow followed. Runs on the consumer's thread; {@link #close()} from any
 * thread cancels the open request.
 */
final class LogFollow implements Iterator<LogLine>, AutoCloseable {
  private final PodLogs logs;
  private final String pod;
  private final String container;
  private final LogOptions options;
  private final Supplier<Optional<PodLogs.Instance>> instance;
  private final String what;
  private final Duration pause;
  private final LogCursor cursor = new LogCursor();
  private final Deque<LogLine> ready = new ArrayDeque<>();
  private volatile boolean closed;
  private volatile Response response;
  private BufferedReader reader;
  private Predicate<LogLine> fresh = line -> true;
  private boolean first = true;
  private boolean last;
  private boolean previous;
  private boolean archiveRead;
  /** Whether the current instance is still to be read after a last read of the previous one. */
  private boolean thenCurrent;
  /** The id of the container instance the follow reads; null when unknown. */
  private String followed;
  private final Supplier<Optional<java.util.List<LogLine>>> archived;

  LogFollow(PodLogs logs, String pod, String container, LogOptions options,
      Supplier<Optional<PodLogs.Instance>> instance, String what,
      Duration pause, Supplier<Optional<java.util.List<LogLine>>> archived) {
    this.archived = archived;
    this.logs = logs;
    this.pod = pod;
    this.container = container;
    this.options = options;
    this.instance = instance;
    this.what = what;
    this.pause = pause;
  }

  Stream<LogLine> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty()) {
      if (closed) {
        return false;
      }
      try {
        if (reader == null && !connect()) {
          return !ready.isEmpty();
        }
        String raw = reader.readLine();
        if (raw == null) {
          disconnect();
          continue;
        }
        LogLine line = PodLogs.parse(raw);
        if (fresh.test(line) && options.accepts(line)) {
          cursor.delivered(line);
          ready.add(line);
        }
      } catch (IOException e) {
        disconnect();
        if (closed) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public LogLine next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  /** Opens the next request, or says the follow is over. */
  private boolean connect() {
    if (last && !thenCurrent) {
      deliverArchived();
      return false;
    }
    if (last) {
      thenCurrent = false; // the previous instance is read: now the current one
      previous = false;
    } else if (first) {
      followed = current().map(PodLogs.Instance::id).filter(id -> !id.isEmpty()).orElse(null);
    } else {
      Optional<PodLogs.Instance> now = current();
      if (now.isPresent() && followed != null && !now.get().id().equals(followed)) {
        last = true; // restarted: the instance followed is the previous one now
        previous = true;
      } else if (now.isEmpty() || !now.get().running()) {
        last = true; // ended, or the workload is gone: read what is left once, then end
        // an exit the pod's status shows may already have been followed by a restart it does not show yet:
        // the run followed is then the previous instance; read it, then the current one
        previous = now.isPresent() && now.get().restarts() > 0;
        thenCurrent = previous;
      } else {
        sleep();
      }
    }
    if (closed) {
      return false;
    }
    boolean resume = !first && cursor.deliveredAny();
    try {
      response = logs.request(pod, container, !last, previous, resume ? -1 : options.tail(),
          resume ? cursor.resumeFrom().orElseThrow() : options.since().orElse(null), what);
    } catch (BerthException e) {
      if (first) {
        throw e;
      }
      if (thenCurrent) {
        return connect(); // no previous instance after all
      }
      last = true; // the pod is gone: what it logged after the last line delivered is in the archive, if anywhere
      deliverArchived();
      return false;
    }
    fresh = resume ? cursor.missed() : line -> true;
    first = false;
    ResponseBody body = response.body();
    reader = new BufferedReader(new InputStreamReader(body.byteStream(), StandardCharsets.UTF_8));
    return true;
  }

  /**
   * Once, at the end: what Berth archived of the pod (before it removed it) beyond the last line delivered. The
   * last read may have found the pod's log cut short or gone while the pod was being removed.
   */
  private void deliverArchived() {
    if (archiveRead) {
      return;
    }
    archiveRead = true;
    Predicate<LogLine> missed = cursor.deliveredAny() ? cursor.missed() : line -> true;
    archived.get().ifPresent(lines -> lines.stream().filter(missed).filter(options::accepts).forEach(line -> {
      cursor.delivered(line);
      ready.add(line);
    }));
  }

  private Optional<PodLogs.Instance> current() {
    try {
      return instance.get();
    } catch (BerthException e) {
      return Optional.empty();
    }
  }

  private void disconnect() {
    Response current = response;
    response = null;
    reader = null;
    if (current != null) {
      current.close();
    }
  }

  private void sleep() {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Reads a whole (non-follow) response. */
  static void readAll(Response response, Consumer<LogLine> sink) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body().byteStream(),
        StandardCharsets.UTF_8))) {
      for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
        sink.accept(PodLogs.parse(raw));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Response current = response;
    if (current != null) {
      current.close();
    }
    logs.forget(this);
  }
}
