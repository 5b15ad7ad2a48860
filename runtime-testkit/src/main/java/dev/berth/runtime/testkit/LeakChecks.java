package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BacktestExecution;
import dev.berth.runtime.BacktestNotFoundException;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Runtime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * "close() releases clients and threads": threads, file descriptors, sockets and temporary files come back to
 * their baseline when a runtime or runner is closed, also while follows are open and backtests run, and a
 * thousand create/close cycles do not make them grow.
 */
final class LeakChecks {
  /** Names of the temporary files Berth's own runtimes make in {@code java.io.tmpdir}. */
  static final List<String> TEMPORARY_PREFIXES = List.of("berth-bundle-", "berth-apple-");
  /** Cycles run before the baseline is taken, so that what is opened once per JVM is opened already. */
  private static final int WARM_UP_CYCLES = 10;
  private static final int FOLLOWS = 3;

  private final KitTimeouts timeouts;
  private final Supplier<Set<Path>> temporaries;
  private final Fixtures fixtures;

  LeakChecks(KitTimeouts timeouts, Supplier<Set<Path>> temporaries, Fixtures fixtures) {
    this.timeouts = timeouts;
    this.temporaries = temporaries;
    this.fixtures = fixtures;
  }

  /** Berth's temporary files in {@code java.io.tmpdir}: the kits' default. */
  static Set<Path> berthTemporaries() {
    return LeakSnapshot.entries(Path.of(System.getProperty("java.io.tmpdir")), TEMPORARY_PREFIXES);
  }

  void runtimeClosedWithFollowsOpenGivesEverythingBack(RuntimeKitSession kit) {
    String id = kit.id("leak-follow");
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, 1));
    kit.awaitLogLine(id, "line-1");
    Runtime warmUp = kit.runtime(kit.scope);
    closeWithFollowsOpen(warmUp, id);

    LeakSnapshot baseline = LeakSnapshot.take(temporaries, fixtures);
    closeWithFollowsOpen(kit.runtime(kit.scope), id);
    LeakSnapshot.awaitBackTo(baseline, temporaries, timeouts, "by a runtime closed with " + FOLLOWS
        + " follows open");
  }

  private void closeWithFollowsOpen(Runtime runtime, String id) {
    runtime.health();
    runtime.list();
    runtime.status(id);
    assertThat(texts(RuntimeKitSession.read(runtime, id, LogOptions.DEFAULT))).as("log of '%s'", id)
        .contains("line-1");
    List<Follower> followers = new ArrayList<>();
    try {
      for (int i = 0; i < FOLLOWS; i++) {
        Follower follower = Follower.start(() -> runtime.logs(id, LogOptions.following()), timeouts,
            "follow " + (i + 1) + " of '" + id + "'");
        followers.add(follower);
        follower.awaitLines("line-1 to arrive", lines -> texts(lines).contains("line-1"));
      }
      runtime.close();
      for (Follower follower : followers) {
        assertThat(follower.endsWithin(timeouts.await())).as("a follow open while its runtime was closed ended")
            .isTrue();
      }
    } finally {
      followers.forEach(Follower::close);
    }
  }

  void runtimeCreateCloseCyclesShowNoGrowth(RuntimeKitSession kit, int cycles) {
    String id = kit.id("leak-cycles");
    kit.create(kit.workloads.sleepForever(id));
    for (int i = 0; i < WARM_UP_CYCLES; i++) {
      runtimeCycle(kit, id);
    }
    LeakSnapshot baseline = LeakSnapshot.take(temporaries, fixtures);
    for (int i = 0; i < cycles; i++) {
      runtimeCycle(kit, id);
    }
    LeakSnapshot.awaitBackTo(baseline, temporaries, timeouts, "by " + cycles + " runtimes created, used and "
        + "closed");
  }

  private static void runtimeCycle(RuntimeKitSession kit, String id) {
    Runtime runtime = kit.unrecordedRuntime(kit.scope);
    try {
      runtime.list();
      runtime.status(id);
    } finally {
      runtime.close();
    }
  }

  void runnerClosedWithABacktestRunningAndFollowsOpenGivesEverythingBack(BacktestKitSession kit) {
    closeRunnerMidBacktest(kit);
    LeakSnapshot baseline = LeakSnapshot.take(temporaries, fixtures);
    closeRunnerMidBacktest(kit);
    LeakSnapshot.awaitBackTo(baseline, temporaries, timeouts, "by a backtest runner closed with a backtest "
        + "running and " + FOLLOWS + " follows open");
  }

  private void closeRunnerMidBacktest(BacktestKitSession kit) {
    String id = kit.id("leak-running");
    BacktestRunner runner = kit.runner(kit.scope);
    BacktestExecution execution = runner.submit(kit.spec(kit.workloads.runForever(id)));
    List<Follower> followers = new ArrayList<>();
    try {
      for (int i = 0; i < FOLLOWS; i++) {
        Follower follower = Follower.start(() -> runner.logs(id, LogOptions.following()), timeouts,
            "follow " + (i + 1) + " of backtest '" + id + "'");
        followers.add(follower);
        follower.awaitLines("'started' to arrive", lines -> texts(lines).contains("started"));
      }
      runner.close();
      for (Follower follower : followers) {
        assertThat(follower.endsWithin(timeouts.await())).as("a follow open while its runner was closed ended")
            .isTrue();
      }
      assertThat(execution.result()).as("the waiters of a backtest whose runner was closed").isDone();
    } finally {
      followers.forEach(Follower::close);
    }
  }

  void runnerCreateCloseCyclesShowNoGrowth(BacktestKitSession kit, int cycles) {
    for (int i = 0; i < WARM_UP_CYCLES; i++) {
      runnerCycle(kit);
    }
    LeakSnapshot baseline = LeakSnapshot.take(temporaries, fixtures);
    for (int i = 0; i < cycles; i++) {
      runnerCycle(kit);
    }
    LeakSnapshot.awaitBackTo(baseline, temporaries, timeouts, "by " + cycles + " backtest runners created, "
        + "used and closed");
  }

  private static void runnerCycle(BacktestKitSession kit) {
    BacktestRunner runner = kit.unrecordedRunner(kit.scope);
    try {
      runner.health();
      runner.status(kit.id("leak-absent"));
    } catch (BacktestNotFoundException expected) {
      // The call only has to reach the backend.
    } finally {
      runner.close();
    }
  }
}
