package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.core.fleet.ReconcileReport.Action;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Compares the desired bots of the reconciler's segments with those the runtime lists, and plans the steps
 * that converge them. Reads only: the runtime's {@code list}, and the desired state once.
 */
final class Planner {
  /** The steps of one pass, and the desired bots (whose restart records stay). */
  record Plan(List<Step> steps, Set<String> desired) {}

  /** The pass cannot go on; the reason goes to the report. */
  static final class PassStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PassStopped(String reason, Throwable cause) {
      super(reason, cause, false, false);
    }
  }

  private record Desired(BotSpec spec, String segment) {}

  private final Settings settings;
  private final Supervision supervision;
  private final Notifier notifier;
  private final HashCache hashes = new HashCache();

  Planner(Settings settings, Supervision supervision, Notifier notifier) {
    this.settings = settings;
    this.supervision = supervision;
    this.notifier = notifier;
  }

  /** @throws PassStopped when the desired state cannot be read or the runtime cannot list its bots */
  Plan plan(Tally tally, Instant now) {
    Set<String> duplicates = new HashSet<>();
    Map<String, Desired> desired = desired(tally, duplicates);
    Map<String, BotStatus> observed = observed();
    tally.desired(desired.size());
    tally.observed(observed.size());
    List<Step> steps = new ArrayList<>();
    for (Desired wanted : desired.values()) {
      BotSpec spec = wanted.spec();
      String id = spec.id();
      String hash = hashes.hash(spec);
      BotStatus status = observed.get(id);
      if (status == null) {
        plan(steps, tally, Action.CREATE, id, hash, wanted, now);
        continue;
      }
      if (!hash.equals(status.labels().get(BotFilter.SPEC_HASH_LABEL))) {
        plan(steps, tally, Action.RECREATE, id, hash, wanted, now);
        continue;
      }
      switch (status.state()) {
        case RUNNING -> supervision.running(status, now);
        case CREATED -> plan(steps, tally, Action.START, id, hash, null, now);
        case STOPPED, FAILED -> notRunning(steps, tally, status, spec.restartPolicy(), hash, now);
        default -> { } // UNKNOWN: the runtime cannot tell; acting on a guess could double-start a bot
      }
      if (supervision.isCrashLooping(id)) {
        tally.crashLooping(id);
      }
    }
    for (BotStatus status : observed.values()) {
      String id = status.id();
      // Only bots a reconciler created carry the hash label: anything else in the scope is left alone.
      if (!desired.containsKey(id) && !duplicates.contains(id)
          && status.labels().containsKey(BotFilter.SPEC_HASH_LABEL)) {
        steps.add(new Step(Action.DELETE, id, "", null));
      }
    }
    hashes.retainOnly(desired.keySet());
    return new Plan(steps, desired.keySet());
  }

  private void plan(List<Step> steps, Tally tally, Action action, String id, String hash, Desired wanted,
      Instant now) {
    if (!supervision.mayAct(id, hash, now)) {
      tally.backingOff(id);
      return;
    }
    steps.add(new Step(action, id, hash, wanted == null ? null : toCreate(wanted, hash)));
  }

  private void notRunning(List<Step> steps, Tally tally, BotStatus status, RestartPolicy policy, String hash,
      Instant now) {
    Supervision.Verdict verdict = supervision.exited(status, policy, hash, now);
    String id = status.id();
    if (verdict.newExit()) {
      notifier.event(FleetEvent.Type.EXITED, id, status.exitCode(), status.state() + ": " + status.message());
    }
    if (verdict.crashLoopBegan()) {
      notifier.event(FleetEvent.Type.CRASH_LOOPING, id, OptionalInt.empty(), "stopped or failed again and again; "
          + "the next start waits for the backoff");
    }
    switch (verdict.decision()) {
      case ACT -> steps.add(new Step(status.state() == BotState.FAILED ? Action.RESTART
          : Action.START, id, hash, null));
      case WAIT -> tally.backingOff(id);
      default -> tally.leftFailed(id);
    }
  }

  /**
   * The spec the runtime gets: the desired one with the fleet labels, and restart policy NEVER, since the
   * reconciler applies the policy itself (the same way on every backend, with backoff).
   */
  private static BotSpec toCreate(Desired wanted, String hash) {
    BotSpec.Builder builder = wanted.spec().toBuilder().label(BotFilter.SPEC_HASH_LABEL, hash)
        .restartPolicy(RestartPolicy.NEVER);
    if (wanted.segment() != null) {
      builder.label(BotFilter.SEGMENT_LABEL, wanted.segment());
    }
    return builder.build();
  }

  private Map<String, Desired> desired(Tally tally, Set<String> duplicates) {
    Collection<BotSpec> all;
    try {
      all = settings.desired().get();
    } catch (RuntimeException e) {
      throw new PassStopped("the desired state could not be read: " + e, e);
    }
    if (all == null) {
      throw new PassStopped("the desired-state supplier returned null; return an empty collection for no bots",
          null);
    }
    Map<String, Desired> owned = new HashMap<>(Math.max(16, all.size() * 2));
    for (BotSpec spec : all) {
      if (spec == null) {
        throw new PassStopped("the desired state holds a null spec; remove it", null);
      }
      String segment = spec.labels().get(BotFilter.SEGMENT_LABEL);
      if (segment == null && settings.segmentCount() > 0) {
        segment = Segments.label(spec.id(), settings.segmentCount());
      }
      if (settings.owns(segment) && owned.put(spec.id(), new Desired(spec, segment)) != null) {
        duplicates.add(spec.id());
      }
    }
    for (String id : duplicates) {
      owned.remove(id);
      tally.failed(id, Action.CREATE, "the desired state lists bot '" + id + "' more than once; list each id "
          + "once (the bot is left as it is until then)");
    }
    return owned;
  }

  private Map<String, BotStatus> observed() {
    List<BotStatus> listed = new ArrayList<>();
    try {
      if (settings.segments().isEmpty()) {
        listed.addAll(settings.runtime().list(BotFilter.ALL));
      } else {
        for (String segment : settings.segments()) {
          listed.addAll(settings.runtime().list(BotFilter.builder().segment(segment).build()));
        }
      }
    } catch (RuntimeException e) {
      throw new PassStopped("the runtime could not list its bots: " + e.getMessage(), e);
    }
    Map<String, BotStatus> byId = new HashMap<>(Math.max(16, listed.size() * 2));
    listed.forEach(status -> byId.put(status.id(), status));
    return byId;
  }
}
