package dev.berth.runtime.local;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The followers of each log directory in this JVM, told before rotation deletes a file so that one that has
 * not read it yet can open it first (an open file stays readable after it is deleted). Shared by every
 * runtime and runner of the JVM, as {@link WorkloadLock} is, so it does not matter which instance's pump
 * rotates. Callers hold the directory's log lock for every call.
 */
final class RotationWatchers {
  /** A reader that may still need a file rotation is about to delete. */
  interface Watcher {
    /** {@code file}, the oldest log file, is about to be deleted; called under the log lock. */
    void retiring(Path file);
  }

  private static final ConcurrentHashMap<Path, List<Watcher>> WATCHERS = new ConcurrentHashMap<>();

  private RotationWatchers() {}

  static void add(Path logs, Watcher watcher) {
    WATCHERS.computeIfAbsent(key(logs), k -> new CopyOnWriteArrayList<>()).add(watcher);
  }

  static void remove(Path logs, Watcher watcher) {
    WATCHERS.computeIfPresent(key(logs), (k, list) -> {
      list.remove(watcher);
      return list.isEmpty() ? null : list;
    });
  }

  static void retiring(Path logs, Path file) {
    List<Watcher> watchers = WATCHERS.get(key(logs));
    if (watchers != null) {
      watchers.forEach(watcher -> watcher.retiring(file));
    }
  }

  private static Path key(Path logs) {
    return logs.toAbsolutePath().normalize();
  }
}
