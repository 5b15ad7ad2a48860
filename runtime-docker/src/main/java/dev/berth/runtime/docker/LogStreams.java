package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.LogContainerCmd;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.core.internal.LogCursor;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container logs as a {@link Stream} of lines, for bots and backtests alike. A follow delivers every line
 * the container wrote, exactly once and in order, and ends once the container has exited and every line
 * was delivered, even where Docker ends a follow stream early ({@link GapFreeFollow}). The follows of one
 * container share one Docker follow ({@link SharedFollow}). Closing the Java stream ends its requests and
 * docker-java's threads; {@link #close} ends every open read and follow.
 */
final class LogStreams implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogStreams.class);
  private static final LogOptions FROM_NOW = LogOptions.builder().follow(true).tail(0).build();
  private static final LogOptions FROM_START = LogOptions.following();

  private final DockerClient client;
  private final DockerErrors errors;
  private final Set<LogFeed> open = ConcurrentHashMap.newKeySet();
  private final Map<String, SharedFollow> shared = new ConcurrentHashMap<>();
  private volatile boolean closed;

  LogStreams(DockerConnection connection) {
    this.client = connection.client();
    this.errors = connection.errors();
  }

  /**
   * The container's lines as {@code options} asks. Docker's own {@code tail} counts both streams and
   * knows no sub-second {@code since}; when either matters the tail is taken here.
   *
   * @param workloadId the bot or backtest id, for errors and thread names
   */
  Stream<LogLine> open(String containerId, LogOptions options, String workloadId) {
    Engine engine = new Engine(containerId, workloadId, options.streams());
    if (!options.follow()) {
      return stream(initial(engine, options, null), engine::stop);
    }
    boolean wantsAll = options.tail() < 0 && options.since().isEmpty();
    SharedFollow follow;
    SharedFollow.Member member;
    boolean atStart;
    while (true) {
      boolean starting = false;
      synchronized (shared) {
        follow = shared.get(containerId);
        if (follow == null || follow.closedToNewMembers()) {
          follow = new SharedFollow(workloadId, wantsAll, ended -> shared.remove(containerId, ended));
          shared.put(containerId, follow);
          starting = true;
        }
      }
      Optional<SharedFollow.Member> joined = wantsAll ? follow.joinAtStart() : Optional.empty();
      atStart = joined.isPresent();
      joined = atStart ? joined : follow.join();
      if (starting) {
        start(follow, containerId, workloadId, wantsAll);
      }
      if (joined.isPresent()) {
        member = joined.get();
        break;
      } // else the last member left it just now, which stops it: start another
    }
    try {
      if (atStart) { // the shared follow serves the whole log
        SharedFollower follower = new SharedFollower(follow, member, engine, options,
            Collections.emptyIterator(), null);
        return stream(follower, follower::close);
      }
      LogCursor seen = new LogCursor();
      Iterator<LogLine> first = initial(engine, options, seen);
      SharedFollower follower = new SharedFollower(follow, member, engine, options, first,
          isExact(options) ? null : seen);
      return stream(follower, follower::close);
    } catch (RuntimeException e) {
      follow.leave(member);
      throw e;
    }
  }

  private void start(SharedFollow follow, String containerId, String workloadId, boolean fromStart) {
    try {
      follow.start(new GapFreeFollow(new Engine(containerId, workloadId, EnumSet.allOf(LogStream.class)),
          fromStart ? FROM_START : FROM_NOW, new LogCursor()));
    } catch (RuntimeException e) {
      follow.fail(e);
      throw e;
    }
  }

  /** The texts of the container's last {@code lines} lines, both streams; empty when they cannot be read. */
  List<String> lastLines(String containerId, int lines) {
    try (Stream<LogLine> tail = open(containerId, LogOptions.tail(lines), containerId)) {
      return tail.map(LogLine::text).collect(Collectors.toList());
    } catch (RuntimeException e) {
      log.debug("Reading the last lines of container {} failed: {}", containerId, e.getMessage());
      return List.of();
    }
  }

  private static boolean isExact(LogOptions options) {
    return options.tail() < 0
        || (options.streams().size() == LogStream.values().length && options.since().isEmpty());
  }

  /**
   * The stored lines {@code options} asks for. Where Docker's tail is exact they are read lazily;
   * otherwise every line is read to take the tail here, and {@code seen} (when given) records them all.
   */
  private Iterator<LogLine> initial(Engine engine, LogOptions options, LogCursor seen) {
    if (isExact(options)) {
      return filter(engine.lines(false, options.tail(), options.since()), options);
    }
    Deque<LogLine> existing = new ArrayDeque<>();
    try {
      for (Iterator<LogLine> it = engine.lines(false, LogOptions.ALL, options.since()); it.hasNext(); ) {
        LogLine line = it.next();
        if (seen != null) {
          seen.delivered(line);
        }
        if (options.accepts(line)) {
          existing.addLast(line);
          if (existing.size() > options.tail()) {
            existing.removeFirst();
          }
        }
      }
    } finally {
      engine.stop();
    }
    return existing.iterator();
  }

  private static Iterator<LogLine> filter(Iterator<LogLine> lines, LogOptions options) {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED), false)
        .filter(options::accepts).iterator();
  }

  private static Stream<LogLine> stream(Iterator<LogLine> lines, Runnable onClose) {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(onClose);
  }

  /** Ends every open read and follow; their consumers see the end of their streams. */
  @Override
  public void close() {
    closed = true;
    open.forEach(LogFeed::shutdown);
    shared.values().forEach(SharedFollow::stop);
  }

  /** Requests for one container's log, for the selected streams. */
  private final class Engine implements GapFreeFollow.Source, SharedFollower.StoredLog {
    private final String containerId;
    private final String workloadId;
    private final Set<LogStream> streams;
    private volatile boolean first = true;
    private volatile LogFeed current;

    Engine(String containerId, String workloadId, Set<LogStream> streams) {
      this.containerId = containerId;
      this.workloadId = workloadId;
      this.streams = streams;
    }

    @Override
    public LogFeed open(boolean follow, int tail, Optional<Instant> since) {
      LogContainerCmd cmd = client.logContainerCmd(containerId)
          .withStdOut(streams.contains(LogStream.STDOUT))
          .withStdErr(streams.contains(LogStream.STDERR))
          .withTimestamps(true)
          .withFollowStream(follow);
      if (tail >= 0) {
        cmd.withTail(tail);
      } else {
        cmd.withTailAll();
      }
      since.ifPresent(instant -> cmd.withSince((int) instant.getEpochSecond()));
      LogFeed feed = new LogFeed(workloadId, errors, !first, open::remove);
      first = false;
      current = feed;
      open.add(feed);
      if (closed) { // close() ran meanwhile: it may not have seen this feed
        feed.shutdown();
        return feed;
      }
      cmd.exec(feed);
      return feed;
    }

    Iterator<LogLine> lines(boolean follow, int tail, Optional<Instant> since) {
      LogFeed feed = open(follow, tail, since);
      return new Iterator<>() {
        private Object next;

        @Override
        public boolean hasNext() {
          if (next == null) {
            next = feed.take();
          }
          return next != LogFeed.END;
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
    }

    @Override
    public Iterator<LogLine> since(Instant from) {
      return lines(false, LogOptions.ALL, Optional.of(from));
    }

    @Override
    public Iterator<LogLine> all() {
      return lines(false, LogOptions.ALL, Optional.empty());
    }

    @Override
    public void stop() {
      LogFeed feed = current;
      if (feed != null) {
        feed.shutdown();
      }
    }

    @Override
    public GapFreeFollow.Liveness liveness() {
      if (closed) {
        return GapFreeFollow.Liveness.GONE;
      }
      try {
        InspectContainerResponse.ContainerState state = client.inspectContainerCmd(containerId).exec().getState();
        return Boolean.TRUE.equals(state.getRunning()) ? GapFreeFollow.Liveness.RUNNING
            : GapFreeFollow.Liveness.EXITED;
      } catch (RuntimeException e) {
        if (DockerErrors.isNotFound(e)) {
          return GapFreeFollow.Liveness.GONE;
        }
        throw errors.translate(e, "reading the logs of '" + workloadId + "'", workloadId);
      }
    }
  }
}
