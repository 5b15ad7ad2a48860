package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotAlreadyExistsException;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** "All methods are thread-safe; concurrent calls for the same id serialize." */
final class ConcurrencyChecks {
  private static final int THREADS = 16;
  private static final int OPERATIONS = 20;
  private static final long SEED = 20261123L;

  private enum Op { CREATE, START, STOP, DELETE, STATUS, LIST }

  /** One call as the kit saw it: when it ran (nanoTime) and how it ended. */
  private record Call(String id, Op op, long start, long end, Throwable failure) {
    boolean ok() {
      return failure == null;
    }

    boolean documented() {
      return failure == null || (op == Op.CREATE && failure instanceof BotAlreadyExistsException)
          || ((op == Op.START || op == Op.STOP || op == Op.STATUS) && failure instanceof BotNotFoundException);
    }

    @Override
    public String toString() {
      return op.name().toLowerCase(java.util.Locale.ROOT) + "(" + id + ")" + (failure == null ? "" : " threw "
          + failure);
    }
  }

  private final RuntimeKitSession kit;

  ConcurrencyChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  void concurrentCallsOnOverlappingIdsKeepStatesConsistent() {
    Runtime runtime = kit.runtime();
    Map<String, BotSpec> specs = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      String id = kit.id("race");
      specs.put(id, kit.bot(kit.workloads.sleepForever(id)));
    }
    List<String> ids = new ArrayList<>(specs.keySet());
    List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    runTogether(THREADS, thread -> {
      Random random = new Random(SEED + thread);
      for (int i = 0; i < OPERATIONS; i++) {
        String id = ids.get(random.nextInt(ids.size()));
        Op op = Op.values()[random.nextInt(Op.values().length)];
        long start = System.nanoTime();
        Throwable failure = null;
        try {
          perform(runtime, op, specs.get(id));
        } catch (Throwable e) {
          failure = e;
        }
        calls.add(new Call(id, op, start, System.nanoTime(), failure));
      }
    });
    assertThat(calls.stream().filter(call -> !call.documented()).map(Call::toString).collect(Collectors.toList()))
        .as("calls that threw something other than BotAlreadyExistsException (create) or BotNotFoundException")
        .isEmpty();
    assertThat(createsWithoutDeleteBetween(ids, calls)).as("pairs of successful creates of one id with no delete "
        + "that could have run between them (calls for one id must serialise)").isEmpty();
    assertQuiescentStateIsConsistent(runtime, ids);
    settle(runtime, ids, specs);
  }

  private void perform(Runtime runtime, Op op, BotSpec spec) {
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
      case DELETE:
        runtime.delete(spec.id());
        break;
      case STATUS:
        runtime.status(spec.id());
        break;
      default:
        List<String> listed = runtime.list().stream().map(BotStatus::id).collect(Collectors.toList());
        if (new HashSet<>(listed).size() != listed.size()) {
          throw new AssertionError("list() returned an id twice: " + listed);
        }
    }
  }

  private static List<String> createsWithoutDeleteBetween(List<String> ids, List<Call> calls) {
    List<String> violations = new ArrayList<>();
    for (String id : ids) {
      List<Call> creates = calls.stream().filter(c -> c.id.equals(id) && c.op == Op.CREATE && c.ok())
          .sorted(Comparator.comparingLong(Call::start)).collect(Collectors.toList());
      List<Call> deletes = calls.stream().filter(c -> c.id.equals(id) && c.op == Op.DELETE && c.ok())
          .collect(Collectors.toList());
      for (int i = 1; i < creates.size(); i++) {
        Call first = creates.get(i - 1);
        Call second = creates.get(i);
        long from = Math.min(first.start, second.start);
        long to = Math.max(first.end, second.end);
        if (deletes.stream().noneMatch(d -> d.start < to && d.end > from)) {
          violations.add("create(" + id + ") succeeded twice with no delete in between");
        }
      }
    }
    return violations;
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
      pool.shutdownNow();
    }
    assertThat(finished).as("%d threads of concurrent calls finished within %s (a deadlock?)", threads, limit)
        .isTrue();
    assertThat(Optional.ofNullable(crashed.isEmpty() ? null : crashed.get(0))).as("a worker crashed").isEmpty();
  }
}
