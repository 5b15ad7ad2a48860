package dev.berth.runtime.testkit;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Live-thread snapshots for the leak checks. Threads the JVM, JUnit or the kit itself start lazily are
 * ignored; everything else that appears during a measured section and outlives it is reported by name.
 */
final class Threads {
  private static final List<String> IGNORED_PREFIXES = List.of("junit", "ForkJoinPool.commonPool",
      "process reaper", "Attach Listener", "Common-Cleaner", "InnocuousThread", "berth-tck-", "surefire",
      "Signal Dispatcher", "Notification Thread", "Reference Handler", "Finalizer", "JFR", "Monitor Ctrl");

  private Threads() {}

  /** The threads alive now. */
  static Set<Thread> snapshot() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  /** Waits until no thread outside {@code baseline} (and not ignored) is alive; fails naming the leftovers. */
  static void awaitNoneBeyond(Set<Thread> baseline, KitTimeouts timeouts, String after) {
    awaitNoneBeyond(baseline, timeouts, thread -> false, after);
  }

  /** As {@link #awaitNoneBeyond(Set, KitTimeouts, String)}, leaving out the threads {@code fixture} claims. */
  static void awaitNoneBeyond(Set<Thread> baseline, KitTimeouts timeouts,
      java.util.function.Predicate<Thread> fixture, String after) {
    Await.until(timeouts, "every thread started " + after + " to end", () -> extra(baseline, fixture),
        List::isEmpty);
  }

  static List<String> extra(Set<Thread> baseline) {
    return extra(baseline, thread -> false);
  }

  /** As {@link #extra(Set)}, also leaving out the threads {@code fixture} claims. */
  static List<String> extra(Set<Thread> baseline, java.util.function.Predicate<Thread> fixture) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && !baseline.contains(thread) && !ignored(thread.getName())
            && !fixture.test(thread))
        .map(thread -> "'" + thread.getName() + "' (" + thread.getState() + (thread.isDaemon() ? ", daemon)" : ")"))
        .sorted()
        .collect(Collectors.toList());
  }

  private static boolean ignored(String name) {
    return IGNORED_PREFIXES.stream().anyMatch(name::startsWith);
  }

}
