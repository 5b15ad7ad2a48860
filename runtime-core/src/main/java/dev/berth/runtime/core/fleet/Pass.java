package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.core.fleet.ReconcileReport.Action;
import dev.berth.runtime.core.fleet.ReconcileReport.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pass: plans it, then carries the steps out phase by phase (deletes, recreates, creates, starts),
 * on the workers when there are several. One bot's failure never stops the others; the runtime becoming
 * unavailable, or the reconciler closing, stops the steps not yet begun.
 */
final class Pass {
  private static final Logger LOG = LoggerFactory.getLogger(Pass.class);

  private final Settings settings;
  private final Supervision supervision;
  private final Notifier notifier;
  private final Planner planner;
  private final ExecutorService workers;
  private final BooleanSupplier closed;

  Pass(Settings settings, Supervision supervision, Notifier notifier, ExecutorService workers,
      BooleanSupplier closed) {
    this.settings = settings;
    this.supervision = supervision;
    this.notifier = notifier;
    this.planner = new Planner(settings, supervision, notifier);
    this.workers = workers;
    this.closed = closed;
  }

  ReconcileReport run(Trigger trigger) {
    Instant startedAt = settings.clock().instant();
    long began = System.nanoTime();
    notifier.passStarted(trigger);
    Tally tally = new Tally();
    try {
      Planner.Plan plan = planner.plan(tally, startedAt);
      if (!settings.dryRun()) {
        execute(plan.steps(), tally);
      } else {
        plan.steps().forEach(step -> tally.done(step.action(), step.botId()));
      }
      supervision.retainOnly(plan.desired());
    } catch (Planner.PassStopped e) {
      tally.stop(e.getMessage());
    }
    ReconcileReport report = tally.report(trigger, startedAt, Duration.ofNanos(System.nanoTime() - began),
        settings.dryRun());
    log(report);
    notifier.passFinished(report);
    return report;
  }

  private void execute(List<Step> steps, Tally tally) {
    List<Step> ordered = new ArrayList<>(steps);
    ordered.sort(Comparator.comparingInt(Step::phase).thenComparing(Step::botId));
    int from = 0;
    while (from < ordered.size() && !tally.stopped()) {
      int phase = ordered.get(from).phase();
      int to = from;
      while (to < ordered.size() && ordered.get(to).phase() == phase) {
        to++;
      }
      runPhase(new ConcurrentLinkedQueue<>(ordered.subList(from, to)), tally);
      from = to;
    }
  }

  /** Runs the queued steps on up to {@code concurrency} threads, the pass thread among them. */
  private void runPhase(Queue<Step> queue, Tally tally) {
    int helpers = workers == null ? 0 : Math.min(settings.concurrency() - 1, queue.size() - 1);
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < helpers; i++) {
      running.add(workers.submit(() -> drain(queue, tally)));
    }
    drain(queue, tally);
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (ExecutionException e) {
        LOG.warn("A reconcile worker of {} failed", settings.name(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        tally.stop("the pass was interrupted");
        return;
      }
    }
  }

  private void drain(Queue<Step> queue, Tally tally) {
    Step step;
    while ((step = queue.poll()) != null) {
      if (closed.getAsBoolean()) {
        tally.stop("the reconciler was closed");
        return;
      }
      if (tally.stopped()) {
        return;
      }
      carryOut(step, tally);
    }
  }

  private void carryOut(Step step, Tally tally) {
    Runtime runtime = settings.runtime();
    String id = step.botId();
    long began = System.nanoTime();
    try {
      switch (step.action()) {
        case DELETE -> runtime.delete(id);
        case RECREATE -> {
          runtime.delete(id);
          createAndStart(runtime, step);
        }
        case CREATE -> createAndStart(runtime, step);
        default -> runtime.start(id);
      }
    } catch (RuntimeException e) {
      failed(step, tally, e, Duration.ofNanos(System.nanoTime() - began));
      return;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    tally.done(step.action(), id);
    switch (step.action()) {
      case DELETE -> {
        supervision.forget(id);
        notifier.event(FleetEvent.Type.DELETED, id, "no longer desired");
      }
      case RECREATE -> {
        supervision.forget(id);
        notifier.event(FleetEvent.Type.RECREATED, id, "the spec changed (hash " + step.hash() + ")");
      }
      case CREATE -> notifier.event(FleetEvent.Type.STARTED, id, "");
      case START -> {
        supervision.started(id);
        notifier.event(FleetEvent.Type.STARTED, id, "");
      }
      default -> {
        supervision.started(id);
        notifier.event(FleetEvent.Type.RESTARTED, id, "");
      }
    }
    notifier.actionTaken(step.action(), id, took, Optional.empty());
  }

  private void createAndStart(Runtime runtime, Step step) {
    runtime.create(step.create());
    if (step.action() == Action.CREATE) {
      notifier.event(FleetEvent.Type.CREATED, step.botId(), "hash " + step.hash());
    }
    runtime.start(step.botId());
  }

  private void failed(Step step, Tally tally, RuntimeException error, Duration took) {
    String id = step.botId();
    notifier.actionTaken(step.action(), id, took, Optional.of(error));
    if (error instanceof RuntimeUnavailableException) {
      // The engine is down: every further call would fail the same way. Stop here; the next pass resumes.
      tally.stop("the runtime became unavailable: " + error.getMessage());
      return;
    }
    String reason = !(error instanceof BotAlreadyExistsException) ? String.valueOf(error.getMessage())
        : settings.segments().isEmpty() ? "a bot with this id was created meanwhile by someone else; the next pass "
            + "compares it with the desired spec"
        : "a bot with this id exists outside this reconciler's segments " + settings.segments() + " (or without "
            + "a segment label); delete it, or let the reconciler that owns its segment manage it";
    tally.failed(id, step.action(), reason);
    notifier.event(FleetEvent.Type.ACTION_FAILED, id, step.action() + ": " + reason);
    if (supervision.actionFailed(id, step.hash(), settings.clock().instant())) {
      notifier.event(FleetEvent.Type.CRASH_LOOPING, id, "its actions failed again and again; the next attempt "
          + "waits for the backoff");
    }
  }

  private void log(ReconcileReport report) {
    if (report.stoppedBy().isPresent() || !report.failures().isEmpty()) {
      LOG.warn("Reconcile pass of {} ({}): {}", settings.name(), report.trigger(), report.summary());
    } else if (!report.isIdle()) {
      LOG.info("Reconcile pass of {} ({}): {}", settings.name(), report.trigger(), report.summary());
    } else {
      LOG.debug("Reconcile pass of {} ({}): {}", settings.name(), report.trigger(), report.summary());
    }
  }
}
