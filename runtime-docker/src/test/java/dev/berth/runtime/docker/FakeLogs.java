package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A container log without an engine: feeds filled from a list, and a record of every request made. */
final class FakeLogs implements GapFreeFollow.Source {
  /** One request: follow or not, tail, since. */
  record Request(boolean follow, int tail, Optional<Instant> since) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Function<Request, List<LogLine>> answers;
  private final Function<Integer, GapFreeFollow.Liveness> liveness;
  private int inspections;

  /**
   * @param answers the lines each request gets before its stream ends
   * @param liveness the container's state at the n-th inspection (0-based)
   */
  FakeLogs(Function<Request, List<LogLine>> answers, Function<Integer, GapFreeFollow.Liveness> liveness) {
    this.answers = answers;
    this.liveness = liveness;
  }

  @Override
  public LogFeed open(boolean follow, int tail, Optional<Instant> since) {
    Request request = new Request(follow, tail, since);
    requests.add(request);
    return feed(answers.apply(request), true);
  }

  @Override
  public synchronized GapFreeFollow.Liveness liveness() {
    return liveness.apply(inspections++);
  }

  List<Request> requests() {
    return requests;
  }

  /** A feed holding {@code lines} (at most 4096), ended when {@code end}. */
  static LogFeed feed(List<LogLine> lines, boolean end) {
    LogFeed feed = new LogFeed("fake", null, true, done -> { });
    lines.forEach(line -> feed.onNext(frame(line)));
    if (end) {
      feed.onComplete();
    }
    return feed;
  }

  static Frame frame(LogLine line) {
    return new Frame(line.stream() == LogStream.STDERR ? StreamType.STDERR : StreamType.STDOUT,
        (line.timestamp() + " " + line.text() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Stdout lines "1".."n" whose timestamps come from {@code stamps} (epoch nanos), repeating the last. */
  static List<LogLine> numbered(int n, long... stamps) {
    List<LogLine> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long nanos = stamps[Math.min(i, stamps.length - 1)];
      lines.add(new LogLine(Instant.ofEpochSecond(1_700_000_000L, nanos), LogStream.STDOUT,
          Integer.toString(i + 1)));
    }
    return lines;
  }
}
