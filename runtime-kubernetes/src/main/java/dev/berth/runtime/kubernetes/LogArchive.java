package dev.berth.runtime.kubernetes;

import dev.berth.runtime.LogLine;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last log of bots whose pod Berth removed (a stop, or an exit its restart policy does not restart): a pod's
 * log goes with the pod, so it is read just before, and kept here for {@code logs()} and for follows that were
 * still reading. One archive per JVM, shared by the runtimes of every scope (keys carry server, namespace and
 * scope), at most {@value #MAX_LINES} lines in all, the oldest bots' dropped first. A new JVM starts empty: ship
 * logs ({@code LogShipper}) to keep them for good.
 */
final class LogArchive {
  static final int MAX_LINES = 2_000_000;
  static final LogArchive SHARED = new LogArchive(MAX_LINES);

  /**
   * One bot's archived log.
   *
   * @param pod the pod it was read from
   * @param lines its lines, in order
   */
  record Archived(String pod, List<LogLine> lines) {}

  private final int maxLines;
  private final Map<String, Archived> archives = new LinkedHashMap<>();
  private long lines;

  LogArchive(int maxLines) {
    this.maxLines = maxLines;
  }

  synchronized void put(String key, String pod, List<LogLine> log) {
    Archived old = archives.remove(key);
    if (old != null) {
      lines -= old.lines().size();
    }
    archives.put(key, new Archived(pod, List.copyOf(log)));
    lines += log.size();
    Iterator<Map.Entry<String, Archived>> oldest = archives.entrySet().iterator();
    while (lines > maxLines && oldest.hasNext()) {
      Map.Entry<String, Archived> entry = oldest.next();
      if (!entry.getKey().equals(key)) {
        lines -= entry.getValue().lines().size();
        oldest.remove();
      }
    }
  }

  synchronized Optional<Archived> get(String key) {
    return Optional.ofNullable(archives.get(key));
  }

  /** The archived lines {@code options} accepts, cut to its tail; empty when nothing was archived. */
  List<LogLine> read(String key, dev.berth.runtime.LogOptions options) {
    List<LogLine> lines = get(key).map(Archived::lines).orElse(List.of()).stream().filter(options::accepts)
        .toList();
    return PodLogs.tail(lines, options.tail());
  }

  /** The archived log of the pod with this name, for a follow whose pod went away. */
  synchronized Optional<List<LogLine>> forPod(String key, String pod) {
    return get(key).filter(archived -> archived.pod().equals(pod)).map(Archived::lines);
  }

  synchronized void remove(String key) {
    Archived old = archives.remove(key);
    if (old != null) {
      lines -= old.lines().size();
    }
  }
}
