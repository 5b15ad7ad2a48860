package dev.berth.runtime.core.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link Reconciler} pass did. Every list is sorted by bot id. A second pass with nothing changed in
 * between reports no action: {@link #isIdle()}.
 *
 * @param trigger what started the pass
 * @param startedAt when it began, by the reconciler's clock
 * @param took how long it ran
 * @param dryRun whether the actions were only planned (then the lists say what a pass would have done)
 * @param desired the desired bots this reconciler owns (in its segments)
 * @param observed the bots the runtime listed in those segments
 * @param created bots created (and then started) because they were desired and missing
 * @param started bots started because they were created but not running, or stopped
 * @param restarted failed bots started again, as their restart policy says
 * @param recreated bots deleted and created again because their spec changed, then started
 * @param deleted bots deleted because they were no longer desired
 * @param failures actions that failed, with the reason; the next pass tries again
 * @param backingOff desired bots not running whose next attempt waits for their backoff
 * @param crashLooping desired bots that exited or failed to start again and again
 * @param leftFailed failed bots that stay down because their restart policy says so
 * @param stoppedBy why the pass could not do everything it planned: the desired state could not be read, the
 *     runtime could not list its bots or became unavailable, or the reconciler was closed; actions not tried
 *     are in none of the lists
 */
public record ReconcileReport(Trigger trigger, Instant startedAt, Duration took, boolean dryRun, int desired,
    int observed, List<String> created, List<String> started, List<String> restarted, List<String> recreated,
    List<String> deleted, List<Failure> failures, List<String> backingOff, List<String> crashLooping,
    List<String> leftFailed, Optional<String> stoppedBy) {

  /** What started a pass. */
  public enum Trigger {
    /** The reconciler's interval elapsed. */
    INTERVAL,
    /** A caller asked for it ({@link Reconciler#reconcileNow()}). */
    DEMAND,
    /** The runtime reported that a bot exited or was removed. */
    EVENT,
    /** A bot's restart backoff ended. */
    BACKOFF
  }

  /** What a pass does to one bot. */
  public enum Action {
    /** Create a missing bot, then start it. */
    CREATE,
    /** Start a bot that is created or stopped. */
    START,
    /** Start a failed bot again. */
    RESTART,
    /** Delete a bot whose spec changed, create it from the new spec, start it. */
    RECREATE,
    /** Delete a bot that is no longer desired. */
    DELETE
  }

  /**
   * One action that failed.
   *
   * @param botId the bot
   * @param action what was tried
   * @param reason the error's message
   */
  public record Failure(String botId, Action action, String reason) {
    public Failure {
      Objects.requireNonNull(botId, "botId");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(reason, "reason");
    }
  }

  public ReconcileReport {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(took, "took");
    created = List.copyOf(created);
    started = List.copyOf(started);
    restarted = List.copyOf(restarted);
    recreated = List.copyOf(recreated);
    deleted = List.copyOf(deleted);
    failures = List.copyOf(failures);
    backingOff = List.copyOf(backingOff);
    crashLooping = List.copyOf(crashLooping);
    leftFailed = List.copyOf(leftFailed);
    Objects.requireNonNull(stoppedBy, "stoppedBy");
  }

  /** How many actions succeeded (or, in a dry run, were planned). */
  public int actions() {
    return created.size() + started.size() + restarted.size() + recreated.size() + deleted.size();
  }

  /** Whether the pass found nothing to do: no action, no failure, and it ran to the end. */
  public boolean isIdle() {
    return actions() == 0 && failures.isEmpty() && stoppedBy.isEmpty();
  }

  /** Whether everything planned was done: no failure and not stopped early. */
  public boolean isComplete() {
    return failures.isEmpty() && stoppedBy.isEmpty();
  }

  /**
   * One line for logs and consoles, e.g. {@code 3 desired, 3 observed: created 1 [bot-3], recreated 1 [bot-1]
   * (12 ms)}; long lists are cut after five ids.
   */
  public String summary() {
    List<String> parts = new ArrayList<>();
    part(parts, dryRun ? "would create" : "created", created);
    part(parts, dryRun ? "would start" : "started", started);
    part(parts, dryRun ? "would restart" : "restarted", restarted);
    part(parts, dryRun ? "would recreate" : "recreated", recreated);
    part(parts, dryRun ? "would delete" : "deleted", deleted);
    part(parts, "failed", failures.stream().map(f -> f.botId() + " (" + f.action().name()
        .toLowerCase(Locale.ROOT) + ": " + f.reason() + ")").toList());
    part(parts, "backing off", backingOff);
    part(parts, "crash-looping", crashLooping);
    part(parts, "left failed", leftFailed);
    stoppedBy.ifPresent(reason -> parts.add("stopped: " + reason));
    String did = parts.isEmpty() ? "nothing to do" : String.join(", ", parts);
    return desired + " desired, " + observed + " observed: " + did + " (" + took.toMillis() + " ms)";
  }

  private static void part(List<String> parts, String verb, List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    String shown = ids.size() <= 5 ? String.join(", ", ids)
        : String.join(", ", ids.subList(0, 5)) + ", ... " + (ids.size() - 5) + " more";
    parts.add(verb + " " + ids.size() + " [" + shown + "]");
  }
}
