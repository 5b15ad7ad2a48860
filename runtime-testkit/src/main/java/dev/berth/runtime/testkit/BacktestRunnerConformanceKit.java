package dev.berth.runtime.testkit;

import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The rules every {@link BacktestRunner} backend must follow, as JUnit 5 tests. A backend extends this class
 * in its test sources and supplies runners and {@link Workloads}:
 *
 * <pre>{@code
 * class LocalBacktestRunnerConformanceTest extends BacktestRunnerConformanceKit {
 *   protected BacktestRunner newRunner(String scope) {
 *     return LocalBacktestRunner.builder().scope(scope).stateDir(tempDir).build();
 *   }
 *   protected Workloads workloads() {
 *     return new LocalWorkloads();
 *   }
 * }
 * }</pre>
 *
 * <p>Tests named {@code required_…} fail when the rule is broken; {@code optional_…} ones abort with the reason
 * when the backend's test cannot check them (it does not override {@link #leftovers}). Every test uses its own
 * scope and unique ids and deletes every backtest it submitted.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class BacktestRunnerConformanceKit {
  private BacktestKitSession kit;

  /** A new runner for {@code scope}; runners of one scope must see the same backtests. */
  protected abstract BacktestRunner newRunner(String scope);

  /** Turns the kit's abstract behaviours into specs that run on this backend. */
  protected abstract Workloads workloads();

  /** The kit's waits; override to pin a factor instead of reading {@code BERTH_TCK_TIMEOUT_FACTOR}. */
  protected KitTimeouts timeouts() {
    return KitTimeouts.fromEnvironment();
  }

  /**
   * The clock the runner under test keeps time by; the kit measures how long a wait for a backtest took by
   * it. Real backends keep the default, the system clock; a simulated runner whose waits move a clock of its
   * own (as {@link MockEngine} does) returns that clock.
   */
  protected Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * The ids of backtests in {@code scope} that still have a workload (container, pod, process) or temp
   * files. Empty (the default) means the backend's test cannot tell; the leftover tests then abort.
   */
  protected Optional<Set<String>> leftovers(String scope) {
    return Optional.empty();
  }

  /**
   * The object store the runners of {@code newRunner} store results and logs in. Empty (the default) means
   * they store none; the storage-layout tests then abort.
   */
  protected Optional<ObjectStore> objectStore() {
    return Optional.empty();
  }

  /**
   * How many runners the leak test creates, uses and closes in a row (default 1,000). A backend whose
   * construction is slow may lower it; fewer cycles catch slower leaks later.
   */
  protected int createCloseCycles() {
    return 1_000;
  }

  /**
   * The temporary files the runner has on disk now; the leak tests check none made while a runner was in use
   * outlives its {@code close()}. The default lists the entries of {@code java.io.tmpdir} named like Berth's
   * own temporaries ({@code berth-bundle-*}, {@code berth-apple-*}).
   */
  protected Set<Path> temporaryFiles() {
    return LeakChecks.berthTemporaries();
  }

  /**
   * Whether a thread belongs to a test fixture this JVM runs beside the backend (an emulated API server, a
   * simulated node) rather than to the runtime under test: the leak checks do not count it. None by default.
   */
  protected boolean isFixtureThread(Thread thread) {
    return false;
  }

  /**
   * Whether a thread belongs to a pool a library the backend uses keeps once per JVM, shared by all its
   * clients, whose idle threads end on their own later than the leak checks wait (OkHttp's
   * {@code OkHttp TaskRunner}, idle for 60 s before it ends). The leak checks do not count such threads while
   * at most {@value #JVM_WIDE_POOL_LIMIT} of them are alive: more means a thread per runtime, which they
   * report. None by default.
   */
  protected boolean isJvmWidePoolThread(Thread thread) {
    return false;
  }

  /**
   * How many threads of libraries' JVM-wide pools may be alive before the leak checks count them: such a pool
   * grows with the tasks that ran at once in the minute before, while a thread per instance is hundreds after
   * the create/close cycles.
   */
  protected static final int JVM_WIDE_POOL_LIMIT = 8;

  private Predicate<Thread> uncountedThreads() {
    return Threads.uncounted(this::isFixtureThread, this::isJvmWidePoolThread, JVM_WIDE_POOL_LIMIT);
  }

  /**
   * Whether a TCP connection of this JVM, by its local and remote port, belongs to such a fixture (the server's
   * side of a connection to it, or a connection between fixtures): the leak checks do not count it. A
   * connection of the runtime under test to a fixture is still counted from the runtime's side. None by default.
   */
  protected boolean isFixtureConnection(int localPort, int remotePort) {
    return false;
  }

  /**
   * Whether sockets other than TCP ones (Unix sockets) count in the leak checks: {@code false} when the backend
   * under test uses none (a Kubernetes client speaks TCP) but a fixture in this JVM does (a simulated node that
   * talks to the local Docker engine). They count by default.
   */
  protected boolean countsNonTcpSockets() {
    return true;
  }

  @BeforeEach
  final void openKitSession() {
    kit = new BacktestKitSession(this::newRunner, workloads(), timeouts(), clock(), this::leftovers,
        this::objectStore);
    kit.fixtureThreads = uncountedThreads();
  }

  @AfterEach
  final void closeKitSession() {
    if (kit != null) {
      kit.cleanUp();
    }
  }

  private BacktestOutcomeChecks outcomes() {
    return new BacktestOutcomeChecks(kit);
  }

  private LeakChecks leaks() {
    return new LeakChecks(kit.timeouts, this::temporaryFiles,
        new Fixtures(uncountedThreads(), this::isFixtureConnection, countsNonTcpSockets()));
  }

  private BacktestLifecycleChecks lifecycle() {
    return new BacktestLifecycleChecks(kit);
  }

  @Nested
  @DisplayName("Outcomes: success, failure, timeout, cancel")
  class Outcomes {
    @Test
    @DisplayName("a backtest that writes its result and exits 0 SUCCEEDED with that JSON and its logs")
    void required_success_returnsTheResultJson() {
      outcomes().successReturnsTheResultJson();
    }

    @Test
    @DisplayName("a backtest that exits 2 FAILED with exit code 2, no result and 'failing' in its log tail")
    void required_failure_isFailedWithItsLogTail() {
      outcomes().failureIsFailedWithItsLogTail();
    }

    @Test
    @DisplayName("a backtest running past its timeout ends TIMED_OUT")
    void required_timeout_endsTimedOut() {
      outcomes().timeoutEndsTimedOut();
    }

    @Test
    @DisplayName("cancel ends a running backtest CANCELLED; a second cancel is a no-op")
    void required_cancel_endsCancelled() {
      outcomes().cancelEndsCancelled();
    }

    @Test
    @DisplayName("BacktestExecution.cancel ends it CANCELLED")
    void required_executionCancel_endsCancelled() {
      outcomes().executionCancelEndsCancelled();
    }

    @Test
    @DisplayName("cancel of a finished backtest is a no-op")
    void required_cancel_ofAFinishedBacktest_isANoOp() {
      outcomes().cancelOfAFinishedBacktestIsANoOp();
    }

    @Test
    @DisplayName("status after completion matches the result")
    void required_status_afterCompletion_matchesTheResult() {
      outcomes().statusAfterCompletionMatchesTheResult();
    }
  }

  @Nested
  @DisplayName("Execution handle: submit returns at once, await, result future")
  class Execution {
    @Test
    @DisplayName("submit returns at once; await with a short wait throws BacktestTimeoutException while it runs")
    void required_submit_returnsAtOnce() {
      outcomes().submitReturnsAtOnce();
    }

    @Test
    @DisplayName("result() completes with the result; cancelling that future does not cancel the backtest")
    void required_resultFuture_completes_andCancellingItDoesNotCancelTheBacktest() throws Exception {
      outcomes().resultFutureCompletesAndCancellingItDoesNotCancelTheBacktest();
    }
  }

  @Nested
  @DisplayName("Ids and delete")
  class IdsAndDelete {
    @Test
    @DisplayName("an id stays taken until the backtest is deleted")
    void required_submit_withATakenId_isRejectedWhileTheBacktestIsPresent() {
      lifecycle().aTakenIdIsRejectedWhileTheBacktestIsPresent();
    }

    @Test
    @DisplayName("status, logs and cancel of an unknown id throw BacktestNotFoundException; delete is a no-op")
    void required_callsOnAnUnknownId_throwBacktestNotFound() {
      lifecycle().callsOnAnUnknownIdThrowBacktestNotFound();
    }

    @Test
    @DisplayName("status, logs, cancel and delete with a malformed id like '../x' throw InvalidSpecException")
    void required_callsWithAMalformedId_throwInvalidSpec() {
      lifecycle().callsWithAMalformedIdThrowInvalidSpec();
    }

    @Test
    @DisplayName("a spec with a NUL in an env value is rejected and nothing is submitted")
    void required_aNulInTheSpec_isRejected() {
      lifecycle().aNulInWhatReachesTheOsIsRejected();
    }

    @Test
    @DisplayName("delete removes everything: status and logs then throw BacktestNotFoundException")
    void required_delete_removesEverything() {
      lifecycle().deleteRemovesEverything();
    }

    @Test
    @DisplayName("delete of a running backtest cancels it")
    void required_delete_ofARunningBacktest_cancelsIt() {
      lifecycle().deleteOfARunningBacktestCancelsIt();
    }
  }

  @Nested
  @DisplayName("Logs")
  class Logs {
    @Test
    @DisplayName("logs of finished backtests keep stdout and stderr")
    void required_logs_ofFinishedBacktests() {
      outcomes().logsOfFinishedBacktests();
    }

    @Test
    @DisplayName("a follow ends when the backtest ends")
    void required_follow_endsWhenTheBacktestEnds() {
      lifecycle().followEndsWhenTheBacktestEnds();
    }
  }

  @Nested
  @DisplayName("Concurrency")
  class Concurrency {
    @Test
    @DisplayName("8 backtests submitted concurrently all succeed with their own results")
    void required_eightConcurrentBacktests_allSucceed() throws Exception {
      outcomes().eightConcurrentBacktestsAllSucceed();
    }
  }

  @Nested
  @DisplayName("Clean-up: ended backtests leave nothing behind")
  class CleanUp {
    @Test
    @DisplayName("succeeded, failed, timed-out and cancelled backtests leave no workload behind")
    void optional_endedBacktests_leaveNoWorkloadBehind() {
      lifecycle().endedBacktestsLeaveNoWorkloadBehind();
    }

    @Test
    @DisplayName("keep(true) leaves the workload until delete")
    void optional_keep_leavesTheWorkloadUntilDelete() {
      lifecycle().keepLeavesTheWorkloadUntilDelete();
    }
  }

  @Nested
  @DisplayName("Take-over: a runner sees through the backtests of a runner that is gone")
  class TakeOver {
    @Test
    @DisplayName("a new runner takes over a running backtest of a closed runner, times it out at its deadline "
        + "and removes it")
    void required_aNewRunner_takesOverARunningBacktest_andEnforcesItsDeadline() {
      lifecycle().aNewRunnerTakesOverARunningBacktestAndEnforcesItsDeadline();
    }
  }

  @Nested
  @DisplayName("Storage: results and logs in the documented layout")
  class Storage {
    @Test
    @DisplayName("result.json and output.log are stored at test-results/<scope>/<id>/ and the result names them")
    void optional_resultAndLog_areStoredInTheDocumentedLayout() {
      new BacktestStorageChecks(kit).resultAndLogAreStoredInTheDocumentedLayout();
    }

    @Test
    @DisplayName("delete removes what was stored for the backtest")
    void optional_delete_removesTheStoredObjects() {
      new BacktestStorageChecks(kit).deleteRemovesTheStoredObjects();
    }
  }

  @Nested
  @DisplayName("Runner: health and close")
  class Runner {
    @Test
    @DisplayName("health() is healthy and type() a lower-case name")
    void required_health_isHealthy() {
      lifecycle().healthIsHealthy();
    }

    @Test
    @DisplayName("close twice is a no-op")
    void required_close_twice_isANoOp() {
      lifecycle().closeTwiceIsANoOp();
    }

    @Test
    @DisplayName("after close every call but close, type and health throws RuntimeClosedException; health is unhealthy")
    void required_everyCallAfterClose_throwsRuntimeClosed() {
      lifecycle().everyCallAfterCloseThrowsRuntimeClosed();
    }
  }

  @Nested
  @DisplayName("Specs: extreme timeouts")
  class Specs {
    @Test
    @DisplayName("zero and negative timeouts are refused naming timeout; centuries and FOREVER run and can be "
        + "cancelled")
    void required_extremeTimeouts_areRefusedOrRun() {
      SpecFuzzChecks.extremeBacktestTimeoutsAreRefusedOrRun(kit);
    }
  }

  @Nested
  @DisplayName("Leaks: a closed runner leaves no thread, file descriptor, socket or temp file")
  @Isolated
  class ThreadLeaks {
    @Test
    @DisplayName("close releases every thread the runner started")
    void required_close_releasesThreads() {
      lifecycle().closeReleasesThreads();
    }

    @Test
    @DisplayName("close with a backtest running and follows open gives back every thread, file descriptor, "
        + "socket and temp file")
    void required_close_withABacktestRunning_givesBackThreadsDescriptorsSocketsAndTempFiles() {
      leaks().runnerClosedWithABacktestRunningAndFollowsOpenGivesEverythingBack(kit);
    }

    @Test
    @DisplayName("runners created, used and closed in a row (1,000 by default) leave threads, descriptors, "
        + "sockets and temp files where they were")
    void required_createCloseCycles_showNoGrowth() {
      leaks().runnerCreateCloseCyclesShowNoGrowth(kit, createCloseCycles());
    }
  }
}
