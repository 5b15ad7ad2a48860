package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.Resources;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.testkit.BotLifecycleModel.Life;
import dev.berth.runtime.testkit.BotLifecycleModel.Observed;
import dev.berth.runtime.testkit.BotLifecycleModel.Op;
import dev.berth.runtime.testkit.BotLifecycleModel.Outcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * "All methods are thread-safe; concurrent calls for the same id serialize": random calls from many threads
 * on a few ids must form a history that some serial order explains ({@link BotLifecycleModel}, checked by
 * {@link Linearizability}), throw only documented exceptions, and end in states status and list agree on.
 */
final class ConcurrencyChecks {
  private static final long SEED = 20261123L;
  private static final int IDS = 4;

  /** One call as the kit saw it: when it ran (nanoTime), how it ended, what it returned. */
  private record Call(String id, Op op, long start, long end, Throwable failure, BotState seen,
      Map<String, BotState> listed) {
    boolean documented() {
      return failure == null || (op == Op.CREATE && failure instanceof BotAlreadyExistsException)
          || (op != Op.CREATE && op != Op.DELETE && op != Op.LIST && failure instanceof BotNotFoundException);
    }

    @Override
    public String toString() {
      return op.name().toLowerCase(Locale.ROOT) + "(" + id + ")" + (failure == null ? "" : " threw " + failure);
    }
  }

  private final RuntimeKitSession kit;

  ConcurrencyChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  void concurrentCallsOnOverlappingIdsAreLinearizable(int threads, int operations) {
    Runtime runtime = kit.runtime();
    Map<String, BotSpec> specs = new LinkedHashMap<>();
    for (int i = 0; i < IDS; i++) {
      String id = kit.id("race");
      specs.put(id, kit.bot(kit.workloads.sleepForever(id)));
    }
    List<String> ids = new ArrayList<>(specs.keySet());
    List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    runTogether(threads, thread -> {
      Random random = new Random(SEED + thread);
      for (int i = 0; i < operations; i++) {
        String id = ids.get(random.nextInt(ids.size()));
        Op op = Op.values()[random.nextInt(Op.values().length)];
        calls.add(perform(runtime, op, specs.get(id), ids, random));
      }
    });
    assertThat(calls.stream().filter(call -> !call.documented()).map(Call::toString).collect(Collectors.toList()))
        .as("calls that threw something other than BotAlreadyExistsException (create) or BotNotFoundException")
        .isEmpty();
    for (String id : ids) {
      List<Linearizability.Call<Observed>> history = history(id, calls);
      Linearizability.Verdict verdict = new Linearizability<>(new BotLifecycleModel()).check(Life.ABSENT, history);
      assertThat(verdict.linearizable()).as("the %d calls %d threads made on '%s' are linearizable (calls for one "
          + "id must serialise): %s", history.size(), threads, id, verdict.explanation()).isTrue();
    }
    assertQuiescentStateIsConsistent(runtime, ids);
    settle(runtime, ids, specs);
  }

  private Call perform(Runtime runtime, Op op, BotSpec spec, List<String> ids, Random random) {
    BotUpdate update = random.nextBoolean()
        ? BotUpdate.builder().env(Map.of("RACE", Integer.toString(random.nextInt(1000)))).build()
        : BotUpdate.builder().resources(Resources.builder().memory((64 + random.nextInt(64)) + "m").build()).build();
    long start = System.nanoTime();
    Throwable failure = null;
    BotState seen = null;
    Map<String, BotState> listed = null;
    try {
      switch (op) {
        case CREATE:
          runtime.create(spec);
          break;
        case START:
          runtime.start(spec.id());
          break;
        case STOP:
          runtime.stop(spec.id(), kit.timeouts.quickStopGrace());
          break;
        case RESTART:
          runtime.restart(spec.id());
          break;
        case UPDATE:
          seen = runtime.update(spec.id(), update).state();
          break;
        case DELETE:
          runtime.delete(spec.id());
          break;
        case STATUS:
          seen = runtime.status(spec.id()).state();
          break;
        default:
          listed = listed(runtime, ids);
      }
    } catch (Throwable e) {
      failure = e;
    }
    return new Call(spec.id(), op, start, System.nanoTime(), failure, seen, listed);
  }

  private static Map<String, BotState> listed(Runtime runtime, List<String> ids) {
    Map<String, BotState> listed = new LinkedHashMap<>();
    for (BotStatus status : runtime.list()) {
      if (listed.put(status.id(), status.state()) != null) {
        throw new AssertionError("list() returned '" + status.id() + "' twice");
      }
    }
    listed.keySet().retainAll(ids);
    return listed;
  }

  /**
   * The calls on {@code id}, with every list() call seen as an observation of that id. Reads that overlap a
   * restart, an update or a delete of the id are left out: those calls pass through states of their own (a
   * recreate stops the old workload before the new one runs), which a read made meanwhile may show.
   */
  private static List<Linearizability.Call<Observed>> history(String id, List<Call> calls) {
    List<Call> multiStep = calls.stream().filter(call -> call.id.equals(id) && (call.op == Op.RESTART
        || call.op == Op.UPDATE || call.op == Op.DELETE)).collect(Collectors.toList());
    List<Linearizability.Call<Observed>> history = new ArrayList<>();
    for (Call call : calls) {
      boolean read = call.op == Op.LIST || call.op == Op.STATUS;
      if (read && multiStep.stream().anyMatch(step -> step.start < call.end && call.start < step.end)) {
        continue;
      }
      Observed observed;
      if (call.op == Op.LIST) {
        BotState state = call.listed.get(id);
        observed = new Observed(Op.LIST, id, state == null ? Outcome.NOT_LISTED : Outcome.OK, state);
      } else if (call.id.equals(id)) {
        Outcome outcome = call.failure == null ? Outcome.OK : call.failure instanceof BotAlreadyExistsException
            ? Outcome.ALREADY_EXISTS : Outcome.NOT_FOUND;
        observed = new Observed(call.op, id, outcome, call.seen);
      } else {
        continue;
      }
      history.add(new Linearizability.Call<>(observed, call.start, call.end));
    }
    return history;
  }

  private void assertQuiescentStateIsConsistent(Runtime runtime, List<String> ids) {
    Map<String, BotStatus> listed = new LinkedHashMap<>();
    for (BotStatus status : runtime.list()) {
      assertThat(listed.put(status.id(), status)).as("list() after the race shows '%s' twice", status.id()).isNull();
    }
    for (String id : ids) {
      if (listed.containsKey(id)) {
        assertThat(runtime.status(id).state()).as("status of '%s' vs list() after the race", id)
            .isEqualTo(listed.get(id).state());
      } else {
        assertThatThrownBy(() -> runtime.status(id)).as("status of '%s', which list() did not show", id)
            .isInstanceOf(BotNotFoundException.class);
      }
    }
  }

  /** A last, known operation per id; the states must follow it exactly. */
  private void settle(Runtime runtime, List<String> ids, Map<String, BotSpec> specs) {
    ensureCreated(runtime, specs.get(ids.get(0)));
    runtime.start(ids.get(0));
    ensureCreated(runtime, specs.get(ids.get(1)));
    runtime.start(ids.get(1));
    runtime.stop(ids.get(1), kit.timeouts.quickStopGrace());
    runtime.delete(ids.get(2));
    runtime.delete(ids.get(3));
    runtime.create(specs.get(ids.get(3)));
    assertThat(runtime.status(ids.get(0)).state()).as("state after the race and a final start").isEqualTo(BotState.RUNNING);
    assertThat(runtime.status(ids.get(1)).state()).as("state after the race and a final stop").isEqualTo(BotState.STOPPED);
    assertThatThrownBy(() -> runtime.status(ids.get(2))).as("status after the race and a final delete")
        .isInstanceOf(BotNotFoundException.class);
    assertThat(runtime.status(ids.get(3)).state()).as("state after the race and a final re-create")
        .isEqualTo(BotState.CREATED);
    assertThat(runtime.list().stream().map(BotStatus::id).collect(Collectors.toList())).as("ids listed at the end")
        .containsExactlyInAnyOrder(ids.get(0), ids.get(1), ids.get(3));
  }

  private static void ensureCreated(Runtime runtime, BotSpec spec) {
    try {
      runtime.create(spec);
    } catch (BotAlreadyExistsException e) {
      // Left from the race: fine.
    }
  }

  void concurrentCreatesOfOneIdLetExactlyOneWin() {
    Runtime runtime = kit.runtime();
    for (int round = 0; round < 3; round++) {
      BotSpec spec = kit.bot(kit.workloads.sleepForever(kit.id("one-wins")));
      AtomicInteger created = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
      runTogether(8, thread -> {
        try {
          runtime.create(spec);
          created.incrementAndGet();
        } catch (BotAlreadyExistsException e) {
          rejected.incrementAndGet();
        } catch (Throwable e) {
          unexpected.add(e);
        }
      });
      assertThat(unexpected).as("exceptions of 8 concurrent creates of '%s'", spec.id()).isEmpty();
      assertThat(created.get()).as("concurrent creates of '%s' that succeeded", spec.id()).isEqualTo(1);
      assertThat(rejected.get()).as("concurrent creates rejected with BotAlreadyExistsException").isEqualTo(7);
      assertThat(runtime.list().stream().filter(s -> s.id().equals(spec.id())).count())
          .as("bots listed with id '%s'", spec.id()).isEqualTo(1);
    }
  }

  /** Runs {@code task(i)} on {@code threads} kit threads released at once; fails if they do not finish. */
  private void runTogether(int threads, java.util.function.IntConsumer task) {
    AtomicInteger names = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "berth-tck-race-" + names.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    CountDownLatch go = new CountDownLatch(1);
    List<Throwable> crashed = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < threads; i++) {
      int index = i;
      pool.execute(() -> {
        try {
          go.await();
          task.accept(index);
        } catch (Throwable e) {
          crashed.add(e);
        }
      });
    }
    go.countDown();
    pool.shutdown();
    Duration limit = kit.timeouts.scaled(Duration.ofMinutes(2));
    boolean finished;
    try {
      finished = pool.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      String dump = threadDump();
      pool.shutdownNow();
      throw new AssertionError(threads + " threads of concurrent calls did not finish within " + limit.toMillis()
          + " ms (a deadlock?). Threads of this JVM:\n" + dump);
    }
    assertThat(Optional.ofNullable(crashed.isEmpty() ? null : crashed.get(0))).as("a worker crashed").isEmpty();
  }

  /** Every thread's name, state, lock and stack, as {@code jstack} prints them. */
  static String threadDump() {
    StringBuilder dump = new StringBuilder();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
      if (info.getLockName() != null) {
        dump.append(" on ").append(info.getLockName());
      }
      if (info.getLockOwnerName() != null) {
        dump.append(" owned by \"").append(info.getLockOwnerName()).append('"');
      }
      dump.append('\n');
      for (StackTraceElement frame : info.getStackTrace()) {
        dump.append("    at ").append(frame).append('\n');
      }
    }
    return dump.toString();
  }
}
