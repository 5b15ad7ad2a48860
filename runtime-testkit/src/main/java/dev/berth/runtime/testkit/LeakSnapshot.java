package dev.berth.runtime.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * What this JVM holds at one moment that a closed runtime must give back: live threads, open file
 * descriptors ({@code /proc/self/fd}, where the OS has it), the sockets among them (connections to an engine
 * or API server) and the temporary files a runtime made. The leak checks take one before and compare after.
 */
final class LeakSnapshot {
  private static final Path FDS = Path.of("/proc/self/fd");

  private final Set<Thread> threads;
  /** Targets of the open descriptors ({@code socket:[123]}, {@code pipe:[4]}, a path); null where unknown. */
  private final List<String> descriptors;
  private final Set<Path> temporaries;

  private final Fixtures fixtures;

  private LeakSnapshot(Set<Thread> threads, List<String> descriptors, Set<Path> temporaries, Fixtures fixtures) {
    this.threads = threads;
    this.descriptors = descriptors;
    this.temporaries = temporaries;
    this.fixtures = fixtures;
  }

  /**
   * Takes a snapshot; {@code temporaries} lists the runtime's temporary files now; the connections of
   * {@code fixtures} are left out.
   */
  static LeakSnapshot take(Supplier<Set<Path>> temporaries, Fixtures fixtures) {
    return new LeakSnapshot(Threads.snapshot(), descriptors(fixtures), Set.copyOf(temporaries.get()), fixtures);
  }

  /** Whether file descriptors can be counted here (Linux). */
  static boolean descriptorsKnown() {
    return Files.isDirectory(FDS);
  }

  private static List<String> descriptors(Fixtures fixtures) {
    if (!descriptorsKnown()) {
      return null;
    }
    java.util.function.Predicate<String> counted = fixtures.counted();
    List<String> targets = new ArrayList<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (counted.test(target)) {
            targets.add(target);
          }
        } catch (IOException e) {
          // Closed between listing and reading (the listing's own descriptor among them).
        }
      }
    } catch (IOException e) {
      return null;
    }
    return targets;
  }

  private static long sockets(List<String> targets) {
    return targets.stream().filter(target -> target.startsWith("socket:")).count();
  }

  /** What this snapshot holds beyond {@code baseline}, one line per kind; empty when nothing grew. */
  List<String> growthSince(LeakSnapshot baseline) {
    List<String> growth = new ArrayList<>();
    List<String> threadsLeft = Threads.extra(baseline.threads, fixtures.thread());
    if (!threadsLeft.isEmpty()) {
      growth.add(threadsLeft.size() + " thread(s) still alive: " + threadsLeft);
    }
    if (descriptors != null && baseline.descriptors != null) {
      if (descriptors.size() > baseline.descriptors.size()) {
        growth.add("open file descriptors grew from " + baseline.descriptors.size() + " to " + descriptors.size()
            + "; new targets: " + difference(descriptors, baseline.descriptors));
      }
      long sockets = sockets(descriptors);
      long before = sockets(baseline.descriptors);
      if (sockets > before) {
        growth.add("open sockets (connections) grew from " + before + " to " + sockets);
      }
    }
    Set<Path> newTemporaries = new TreeSet<>(temporaries);
    newTemporaries.removeAll(baseline.temporaries);
    if (!newTemporaries.isEmpty()) {
      growth.add(newTemporaries.size() + " temporary file(s) left: " + newTemporaries);
    }
    return growth;
  }

  /**
   * Descriptor targets in {@code now} beyond those in {@code before} (as multisets by kind), sockets each with
   * its TCP ports where it is a TCP one.
   */
  private static List<String> difference(List<String> now, List<String> before) {
    Map<String, Integer> left = new HashMap<>();
    before.forEach(target -> left.merge(kind(target), 1, Integer::sum));
    List<String> extra = new ArrayList<>();
    Map<String, int[]> tcp = null;
    Set<String> old = new java.util.HashSet<>(before);
    for (String target : now) {
      String kind = kind(target);
      if (kind.equals("socket")) {
        if (!old.contains(target)) { // an inode names one socket while it is open: a new one is new
          tcp = tcp == null ? Fixtures.tcpConnections() : tcp;
          int[] ports = tcp.get(target);
          extra.add(ports == null ? "socket (not TCP)" : "TCP socket :" + ports[0] + " -> :" + ports[1]);
        }
      } else if (left.merge(kind, -1, Integer::sum) < 0) {
        extra.add(kind);
      }
    }
    return extra.size() > 20 ? extra.subList(0, 20) : extra;
  }

  /** A socket or pipe by kind only: their inode numbers change with every connection. */
  private static String kind(String target) {
    int bracket = target.indexOf(":[");
    return bracket > 0 ? target.substring(0, bracket) : target;
  }

  /**
   * Polls until nothing exceeds {@code baseline}; fails naming every leftover. A leak is a bug, not a slow
   * machine: the wait is generous and the message suggests no larger timeout factor.
   */
  static void awaitBackTo(LeakSnapshot baseline, Supplier<Set<Path>> temporaries, KitTimeouts timeouts,
      String after) {
    Fixtures fixtures = baseline.fixtures;
    Duration limit = timeouts.await();
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> growth;
    while (true) {
      growth = take(temporaries, fixtures).growthSince(baseline);
      if (growth.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        break;
      }
      LockSupport.parkNanos(timeouts.pollInterval().toNanos());
    }
    throw new AssertionError("Resources taken " + after + " were not given back within " + limit.toMillis()
        + " ms:\n  - " + String.join("\n  - ", growth));
  }

  /** Entries of {@code directory} whose names start with one of {@code prefixes}; none if it is unreadable. */
  static Set<Path> entries(Path directory, List<String> prefixes) {
    Set<Path> found = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (prefixes.stream().anyMatch(name::startsWith)) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      return found;
    }
    return found;
  }
}
