package dev.berth.runtime.core.fleet;

import dev.berth.runtime.core.fleet.ReconcileReport.Action;
import dev.berth.runtime.core.fleet.ReconcileReport.Failure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Collects what a pass did, from the pass thread and the workers, into a {@link ReconcileReport}. */
final class Tally {
  private final Map<Action, List<String>> done = new EnumMap<>(Action.class);
  private final List<Failure> failures = new ArrayList<>();
  private final List<String> backingOff = new ArrayList<>();
  private final List<String> crashLooping = new ArrayList<>();
  private final List<String> leftFailed = new ArrayList<>();
  private int desired;
  private int observed;
  private String stoppedBy;

  Tally() {
    for (Action action : Action.values()) {
      done.put(action, new ArrayList<>());
    }
  }

  synchronized void desired(int count) {
    this.desired = count;
  }

  synchronized void observed(int count) {
    this.observed = count;
  }

  synchronized void done(Action action, String botId) {
    done.get(action).add(botId);
  }

  synchronized void failed(String botId, Action action, String reason) {
    failures.add(new Failure(botId, action, reason));
  }

  synchronized void backingOff(String botId) {
    backingOff.add(botId);
  }

  synchronized void crashLooping(String botId) {
    crashLooping.add(botId);
  }

  synchronized void leftFailed(String botId) {
    leftFailed.add(botId);
  }

  /** Records the first reason the pass stopped early; later ones follow from it. */
  synchronized void stop(String reason) {
    if (stoppedBy == null) {
      stoppedBy = reason;
    }
  }

  synchronized boolean stopped() {
    return stoppedBy != null;
  }

  synchronized ReconcileReport report(ReconcileReport.Trigger trigger, Instant startedAt, Duration took,
      boolean dryRun) {
    return new ReconcileReport(trigger, startedAt, took, dryRun, desired, observed, sorted(done.get(Action.CREATE)),
        sorted(done.get(Action.START)), sorted(done.get(Action.RESTART)), sorted(done.get(Action.RECREATE)),
        sorted(done.get(Action.DELETE)), failures.stream().sorted(Comparator.comparing(Failure::botId)).toList(),
        sorted(backingOff), sorted(crashLooping), sorted(leftFailed), Optional.ofNullable(stoppedBy));
  }

  private static List<String> sorted(List<String> ids) {
    List<String> copy = new ArrayList<>(ids);
    copy.sort(null);
    return copy;
  }
}
