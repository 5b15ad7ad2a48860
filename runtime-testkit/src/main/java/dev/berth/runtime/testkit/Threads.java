package dev.berth.runtime.testkit;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
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
      Predicate<Thread> fixture, String after) {
    Await.until(timeouts, "every thread started " + after + " to end", () -> extra(baseline, fixture),
        List::isEmpty);
  }

  static List<String> extra(Set<Thread> baseline) {
    return extra(baseline, thread -> false);
  }

  /** As {@link #extra(Set)}, also leaving out the threads {@code fixture} claims. */
  static List<String> extra(Set<Thread> baseline, Predicate<Thread> fixture) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && !baseline.contains(thread) && !ignored(thread.getName())
            && !fixture.test(thread))
        .map(thread -> "'" + thread.getName() + "' (" + thread.getState() + (thread.isDaemon() ? ", daemon)" : ")"))
        .sorted()
        .collect(Collectors.toList());
  }

  /**
   * The threads left out of the leak checks: those {@code fixture} claims, and those of a library's JVM-wide
   * pool ({@code jvmWide}) while no more than {@code poolLimit} of them are alive. Such a pool is shared by
   * every client of the library and lets an idle thread end on its own, later than the kit waits (OkHttp
   * keeps one 60 s): a few of its threads alive after a thousand runtimes is a pool, not a leak; one per
   * runtime is still reported.
   */
  static Predicate<Thread> uncounted(Predicate<Thread> fixture, Predicate<Thread> jvmWide, int poolLimit) {
    return thread -> fixture.test(thread) || (jvmWide.test(thread) && alive(jvmWide) <= poolLimit);
  }

  private static long alive(Predicate<Thread> kind) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).filter(kind).count();
  }

  private static boolean ignored(String name) {
    return IGNORED_PREFIXES.stream().anyMatch(name::startsWith);
  }

}
