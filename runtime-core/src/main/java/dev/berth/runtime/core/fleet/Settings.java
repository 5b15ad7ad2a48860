package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.Runtime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A reconciler's validated settings.
 *
 * @param segmentCount how many segments the fleet is split into; 0 when it is not split
 * @param segments the segments this reconciler owns; empty when it owns the whole scope
 */
record Settings(Runtime runtime, Supplier<? extends Collection<BotSpec>> desired, String name, Duration interval,
    int segmentCount, Set<String> segments, int concurrency, boolean dryRun, Duration initialBackoff,
    Duration maxBackoff, int crashLoopAfter, Duration stableAfter, Clock clock, List<ReconcileListener> listeners,
    int eventQueueCapacity, boolean reactToEvents, Duration eventDelay) {

  /** Whether a bot of {@code segment} (null: none) is this reconciler's. */
  boolean owns(String segment) {
    return segments.isEmpty() || (segment != null && segments.contains(segment));
  }

  /** @throws InvalidSpecException listing every bad setting of the builder */
  static Settings of(Reconciler.Builder builder) {
    List<String> problems = new ArrayList<>(builder.segmentProblems);
    positive(problems, "interval", builder.interval, "30s");
    if (builder.concurrency < 1 || builder.concurrency > 64) {
      problems.add("concurrency: " + builder.concurrency + " is out of range; use 1 to 64");
    }
    positive(problems, "backoff initial", builder.initialBackoff, "1s");
    positive(problems, "backoff max", builder.maxBackoff, "5m");
    if (builder.maxBackoff.compareTo(builder.initialBackoff) < 0) {
      problems.add("backoff: max " + builder.maxBackoff + " is shorter than initial " + builder.initialBackoff
          + "; give a max at least as long");
    }
    if (builder.maxBackoff.compareTo(Duration.ofDays(1)) > 0) {
      problems.add("backoff: max " + builder.maxBackoff + " is longer than a day; give at most one day");
    }
    if (builder.crashLoopAfter < 1) {
      problems.add("crashLoop after: " + builder.crashLoopAfter + " is not positive; give e.g. 5");
    }
    positive(problems, "crashLoop stableAfter", builder.stableAfter, "10m");
    if (builder.eventQueueCapacity < 1) {
      problems.add("eventQueueCapacity: " + builder.eventQueueCapacity + " is not positive; give e.g. 16384");
    }
    if (builder.eventDelay.isNegative()) {
      problems.add("reactToEvents delay: " + builder.eventDelay + " is negative; give e.g. 250 ms or zero");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException("Reconciler", problems);
    }
    String name = builder.name != null ? builder.name : builder.runtime.type()
        + (builder.segments.isEmpty() ? "" : "[" + String.join(",", builder.segments) + "]");
    return new Settings(builder.runtime, builder.desired, name, builder.interval, builder.segmentCount,
        Collections.unmodifiableSortedSet(new TreeSet<>(builder.segments)), builder.concurrency, builder.dryRun, builder.initialBackoff,
        builder.maxBackoff, builder.crashLoopAfter, builder.stableAfter, builder.clock,
        List.copyOf(builder.listeners), builder.eventQueueCapacity, builder.reactToEvents, builder.eventDelay);
  }

  private static void positive(List<String> problems, String field, Duration value, String example) {
    if (value.isNegative() || value.isZero()) {
      problems.add(field + ": " + value + " is not positive; give e.g. " + example);
    }
  }
}
