package dev.berth.runtime.testkit;

import dev.berth.runtime.Runtime;
import java.nio.file.Path;
import java.time.Clock;
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
 * The rules every {@link Runtime} backend must follow (DESIGN §2 "Semantics"), as JUnit 5 tests. A backend
 * proves itself by extending this class in its test sources:
 *
 * <pre>{@code
 * class DockerRuntimeConformanceTest extends RuntimeConformanceKit {
 *   protected Runtime newRuntime(String scope) {
 *     return DockerRuntime.builder().scope(scope).build();
 *   }
 *   protected Workloads workloads() {
 *     return new DockerWorkloads("local/busybox:1");
 *   }
 * }
 * }</pre>
 *
 * <p>Tests named {@code required_…} fail when the rule is broken; tests named {@code optional_…} abort with
 * the reason when the backend does not offer the capability (per {@link Runtime#capabilities()} or an empty
 * {@link Runtime#feature}). Every test works in its own fresh scope with unique ids and deletes every bot it
 * created afterwards, also when it failed; tests are safe to run in parallel. Waits scale with
 * {@link KitTimeouts} ({@code BERTH_TCK_TIMEOUT_FACTOR}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class RuntimeConformanceKit {
  private RuntimeKitSession kit;

  /**
   * A new runtime instance for {@code scope}. Called several times per test: for the test's own scope, for
   * a second scope (isolation), again for the same scope after {@code close()} (re-adoption), and for
   * clean-up. Instances of one scope must see the same bots, like two JVMs sharing one engine.
   */
  protected abstract Runtime newRuntime(String scope);

  /** Turns the kit's abstract behaviours into specs that run on this backend. */
  protected abstract Workloads workloads();

  /** The kit's waits; override to pin a factor instead of reading {@code BERTH_TCK_TIMEOUT_FACTOR}. */
  protected KitTimeouts timeouts() {
    return KitTimeouts.fromEnvironment();
  }

  /**
   * The clock the runtime under test keeps time by; the kit measures how long a stop waited by it. Real
   * backends keep the default, the system clock; a simulated runtime whose waits move a clock of its own
   * (as {@link MockEngine} does) returns that clock.
   */
  protected Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * Removes the bot's workload behind the runtime's back, the way an operator would
   * ({@code docker rm -f}, {@code kill -9} plus removing the state, deleting the pod). Return false (the
   * default) when the backend's test cannot do that; the test that needs it then aborts.
   */
  protected boolean removeBehindTheRuntimesBack(String scope, String botId) {
    return false;
  }

  /** Threads of the random-operations race (default 16). A backend whose calls are slow may lower it. */
  protected int concurrentThreads() {
    return 16;
  }

  /** Calls each thread of the random-operations race makes (default 50). */
  protected int operationsPerThread() {
    return 50;
  }

  /**
   * How many follows the many-followers test opens on one bot (default 200). A backend whose every follow is
   * a process of its own (a CLI) may lower it.
   */
  protected int simultaneousFollowers() {
    return 200;
  }

  /** How many generated hostile specs the spec-fuzzing test tries (default 100). */
  protected int generatedSpecs() {
    return 100;
  }

  /**
   * How many runtimes the leak test creates, uses and closes in a row (default 1,000). A backend whose
   * construction is slow (an engine handshake, a CLI call) may lower it; fewer cycles catch slower leaks later.
   */
  protected int createCloseCycles() {
    return 1_000;
  }

  /**
   * The temporary files the runtime has on disk now; the leak tests check none made while a runtime was in
   * use outlives its {@code close()}. The default lists the entries of {@code java.io.tmpdir} named like
   * Berth's own temporaries ({@code berth-bundle-*}, {@code berth-apple-*}); a backend that keeps
   * temporaries elsewhere adds them.
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
    kit = new RuntimeKitSession(this::newRuntime, workloads(), timeouts(), clock(),
        this::removeBehindTheRuntimesBack);
    kit.fixtureThreads = uncountedThreads();
  }

  @AfterEach
  final void closeKitSession() {
    if (kit != null) {
      kit.cleanUp();
    }
  }

  private LifecycleChecks lifecycle() {
    return new LifecycleChecks(kit);
  }

  private ErrorChecks errors() {
    return new ErrorChecks(kit);
  }

  private LogChecks logs() {
    return new LogChecks(kit);
  }

  private StatusChecks status() {
    return new StatusChecks(kit);
  }

  private AgreementChecks agreement() {
    return new AgreementChecks(kit);
  }

  private FleetChecks fleet() {
    return new FleetChecks(kit);
  }

  private ConcurrencyChecks concurrency() {
    return new ConcurrencyChecks(kit);
  }

  private CloseChecks close() {
    return new CloseChecks(kit);
  }

  private LeakChecks leaks() {
    return new LeakChecks(kit.timeouts, this::temporaryFiles,
        new Fixtures(uncountedThreads(), this::isFixtureConnection, countsNonTcpSockets()));
  }

  private BackendChecks backend() {
    return new BackendChecks(kit);
  }

  @Nested
  @DisplayName("Lifecycle: create, start, stop, restart, delete")
  class Lifecycle {
    @Test
    @DisplayName("create returns a CREATED status with the id and labels, and does not start the bot")
    void required_create_returnsACreatedStatus() {
      lifecycle().createReturnsCreatedStatus();
    }

    @Test
    @DisplayName("after start returns, a long-running bot is RUNNING with a start time")
    void required_start_makesTheBotRunning() {
      lifecycle().startMakesTheBotRunning();
    }

    @Test
    @DisplayName("after stop returns, the bot is STOPPED (no waiting allowed)")
    void required_stop_leavesTheBotStopped() {
      lifecycle().stopLeavesTheBotStopped();
    }

    @Test
    @DisplayName("start after stop runs the bot again")
    void required_start_afterStop_runsTheBotAgain() {
      lifecycle().startAfterStopRunsTheBotAgain();
    }

    @Test
    @DisplayName("restart leaves the bot RUNNING and does not count as a policy restart")
    void required_restart_runsTheBotAgain() {
      lifecycle().restartRunsTheBotAgain();
    }

    @Test
    @DisplayName("after delete, status throws BotNotFoundException and list omits the bot")
    void required_delete_removesTheBot() {
      lifecycle().deleteRemovesTheBot();
    }

    @Test
    @DisplayName("deleting a running bot removes it and frees its id for a new bot")
    void required_delete_ofARunningBot_freesItsId() {
      lifecycle().deleteOfARunningBotFreesItsId();
    }

    @Test
    @DisplayName("after start returns, a bot that exits at once is RUNNING or already STOPPED")
    void required_start_ofAQuicklyExitingBot_returnsRunningOrExited() {
      lifecycle().startOfAQuicklyExitingBotReturnsRunningOrExited();
    }

    @Test
    @DisplayName("stop waits the grace period, then kills a bot that ignores SIGTERM")
    void required_stop_killsABotIgnoringSigtermAfterTheGrace() {
      lifecycle().stopKillsAWorkloadIgnoringSigtermAfterTheGrace();
    }

    @Test
    @DisplayName("stop delivers SIGTERM to the program, which may end on its own within the grace")
    void required_stop_deliversSigtermToTheProgram() {
      lifecycle().stopDeliversSigtermToTheProgram();
    }
  }

  @Nested
  @DisplayName("Idempotency: repeated and redundant calls are no-ops")
  class Idempotency {
    @Test
    @DisplayName("start on a running bot is a no-op (no second run, same start time)")
    void required_start_onARunningBot_isANoOp() {
      lifecycle().startOnARunningBotIsANoOp();
    }

    @Test
    @DisplayName("stop on a stopped bot is a no-op")
    void required_stop_onAStoppedBot_isANoOp() {
      lifecycle().stopOnAStoppedBotIsANoOp();
    }

    @Test
    @DisplayName("stop on a bot that never ran is a no-op")
    void required_stop_onANeverStartedBot_isANoOp() {
      lifecycle().stopOnANeverStartedBotIsANoOp();
    }

    @Test
    @DisplayName("stop on a bot that exited non-zero keeps it FAILED with its exit code")
    void required_stop_onAnExitedBot_keepsItsExitCode() {
      lifecycle().stopOnAnExitedBotKeepsItsExitCode();
    }

    @Test
    @DisplayName("delete twice is a no-op")
    void required_delete_twice_isANoOp() {
      lifecycle().deleteTwiceIsANoOp();
    }

    @Test
    @DisplayName("delete of an unknown id is a no-op")
    void required_delete_ofAnUnknownId_isANoOp() {
      lifecycle().deleteOfAnUnknownIdIsANoOp();
    }
  }

  @Nested
  @DisplayName("Errors: taken ids, unknown ids, unsupported settings")
  class Errors {
    @Test
    @DisplayName("create with a taken id throws BotAlreadyExistsException and changes nothing")
    void required_create_withATakenId_throwsAndChangesNothing() {
      errors().createWithATakenIdThrowsAndChangesNothing();
    }

    @Test
    @DisplayName("every call but delete on an unknown id throws BotNotFoundException naming the id")
    void required_everyCallOnAnUnknownId_throwsBotNotFound() {
      errors().everyCallOnAnUnknownIdThrowsBotNotFound();
    }

    @Test
    @DisplayName("every call taking an id, delete included, throws InvalidSpecException for a malformed id like '../x'")
    void required_everyCallWithAMalformedId_throwsInvalidSpec() {
      errors().everyCallWithAMalformedIdThrowsInvalidSpec();
    }

    @Test
    @DisplayName("a spec with a NUL in an env or label value is rejected and nothing is created")
    void required_aNulInTheSpec_isRejectedAndCreatesNothing() {
      errors().aNulInWhatReachesTheOsIsRejectedAndCreatesNothing();
    }

    @Test
    @DisplayName("calls on a deleted bot throw BotNotFoundException")
    void required_callsOnADeletedBot_throwBotNotFound() {
      errors().callsOnADeletedBotThrowBotNotFound();
    }

    @Test
    @DisplayName("a program that does not exist is named: start throws naming it, or the bot is FAILED naming it")
    void required_start_ofAMissingProgram_namesTheProgram() {
      errors().aMissingProgramIsNamed();
    }

    @Test
    @DisplayName("create with a restart policy or network mode capabilities() lacks throws UnsupportedFeatureException")
    void optional_create_withAnUnsupportedSetting_isRejected() {
      errors().createWithAnUnsupportedSettingIsRejected();
    }
  }

  @Nested
  @DisplayName("Specs: hostile values run exactly as given or are refused naming the field")
  class Specs {
    @Test
    @DisplayName("generated specs (shell metacharacters, control characters, NUL, Unicode, huge and out-of-range "
        + "values) run with exactly their argv, env and labels, or are refused naming the field, creating nothing")
    void required_generatedSpecs_runExactlyOrAreRefusedNamingTheField() {
      new SpecFuzzChecks(kit).generatedSpecsRunExactlyOrAreRefusedNamingTheField(generatedSpecs());
    }
  }

  @Nested
  @DisplayName("Logs: streams, tail, since, follow")
  class Logs {
    @Test
    @DisplayName("logs return stdout and stderr lines, in order, with plausible timestamps")
    void required_logs_haveBothStreamsWithTimestamps() {
      logs().logsHaveBothStreamsWithTimestamps();
    }

    @Test
    @DisplayName("stdoutOnly and stderrOnly select one stream")
    void required_logs_selectStreams() {
      logs().logsSelectStreams();
    }

    @Test
    @DisplayName("tail returns the last lines of the selected streams")
    void required_logs_tail() {
      logs().logsTail();
    }

    @Test
    @DisplayName("since returns lines at or after the instant")
    void required_logs_since() {
      logs().logsSince();
    }

    @Test
    @DisplayName("a bot that never ran has no lines, and a follow of it ends")
    void required_logs_ofANeverStartedBot_areEmpty() {
      logs().logsOfANeverStartedBotAreEmpty();
    }

    @Test
    @DisplayName("a follow delivers all 500 lines of a run that exits, then ends")
    void required_follow_deliversEveryLineOfAFinishedRun() {
      logs().followDeliversEveryLineOfAFinishedRun();
    }

    @Test
    @DisplayName("a follow opened right after start gets every line of a fast writer exactly once, in order")
    void required_follow_ofAFastWriter_attachedAtOnce_deliversEveryLineOnce() {
      logs().followersOfAFastWriterGetEveryLineOnce(1, false);
    }

    @Test
    @DisplayName("20 follows opened right after start each get every line of a fast writer exactly once")
    void required_follow_ofAFastWriter_twentyAttachedAtOnce_deliverEveryLineOnce() {
      logs().followersOfAFastWriterGetEveryLineOnce(20, false);
    }

    @Test
    @DisplayName("a follow opened 1 s after start gets every line of a fast writer exactly once, in order")
    void required_follow_ofAFastWriter_attachedLate_deliversEveryLineOnce() {
      logs().followersOfAFastWriterGetEveryLineOnce(1, true);
    }

    @Test
    @DisplayName("20 follows opened 1 s after start each get every line of a fast writer exactly once")
    void required_follow_ofAFastWriter_twentyAttachedLate_deliverEveryLineOnce() {
      logs().followersOfAFastWriterGetEveryLineOnce(20, true);
    }

    @Test
    @DisplayName("a follow ends when the bot is stopped")
    void required_follow_endsWhenTheBotStops() {
      logs().followEndsWhenTheBotStops();
    }

    @Test
    @DisplayName("closing the stream from another thread ends a blocked follow, and the bot keeps running")
    void required_follow_endsWhenTheStreamIsClosed() {
      logs().followEndsWhenTheStreamIsClosed();
    }

    @Test
    @DisplayName("a follow of a stopped bot returns its lines and ends")
    void required_follow_ofAStoppedBot_returnsItsLinesAndEnds() {
      logs().followOfAStoppedBotReturnsItsLinesAndEnds();
    }
  }

  @Nested
  @DisplayName("Status: exit codes, times, restart policies, environment")
  class Status {
    @Test
    @DisplayName("a bot that exits 0 is STOPPED with exit code 0")
    void required_exitZero_isStoppedWithExitCodeZero() {
      status().exitZeroIsStoppedWithExitCodeZero();
    }

    @Test
    @DisplayName("a bot that exits 3 is FAILED with exit code 3")
    void required_exitNonZero_isFailedWithItsExitCode() {
      status().exitNonZeroIsFailedWithItsExitCode();
    }

    @Test
    @DisplayName("an exited bot has a start and a later finish time")
    void required_exitedBot_hasStartAndFinishTimes() {
      status().exitedBotHasStartAndFinishTimes();
    }

    @Test
    @DisplayName("status() and list() report the same state and exit code")
    void required_statusAndList_agree() {
      status().statusAndListAgree();
    }

    @Test
    @DisplayName("RestartPolicy.NEVER leaves a failed bot FAILED with restartCount 0")
    void required_restartPolicyNever_doesNotRestart() {
      status().restartPolicyNeverDoesNotRestart();
    }

    @Test
    @DisplayName("RestartPolicy.onFailure(2) restarts a failing bot twice, then leaves it FAILED")
    void optional_restartPolicyOnFailure_restartsUpToItsMaximum() {
      status().restartPolicyOnFailureRestartsUpToItsMaximum();
    }

    @Test
    @DisplayName("RestartPolicy.ALWAYS restarts a bot that exited 0, and stop is final")
    void optional_restartPolicyAlways_restartsAnExitedBot() {
      status().restartPolicyAlwaysRestartsAnExitedBot();
    }

    @Test
    @DisplayName("env vars, config.json and BOT_ID reach the workload")
    void required_envConfigAndBotId_reachTheWorkload() {
      status().envConfigAndBotIdReachTheWorkload();
    }
  }

  @Nested
  @DisplayName("Agreement: status, list and address tell what the runtime observed, at once")
  class Agreement {
    @Test
    @DisplayName("right after create, start, stop and delete (also through another instance) return, status() and "
        + "list() both report the new state")
    void required_statusAndList_agreeRightAfterEachTransition() {
      agreement().statusAndListAgreeRightAfterEachTransition();
    }

    @Test
    @DisplayName("a bot that exits on its own: once status() or list() reports the exit, the other does too")
    void required_statusAndList_agreeOnABotThatExitedOnItsOwn() {
      agreement().statusAndListAgreeOnABotThatExitedOnItsOwn();
    }

    @Test
    @DisplayName("address() of a running bot is present where capabilities() list a network mode other than NONE")
    void required_address_ofARunningBot_isPresentWhereTheBackendHasNetworking() {
      agreement().addressOfARunningBotIsPresentWhereTheBackendHasNetworking();
    }
  }

  @Nested
  @DisplayName("Labels and scoping: list filters, isolation between scopes")
  class Scoping {
    @Test
    @DisplayName("a runtime of another scope lists none of the bots and cannot touch them")
    void required_anotherScope_seesNoneOfTheBots() {
      fleet().anotherScopeSeesNoneOfTheBots();
    }

    @Test
    @DisplayName("the same id can be created in another scope, independently")
    void required_theSameIdInAnotherScope_isIndependent() {
      fleet().theSameIdInAnotherScopeIsIndependent();
    }

    @Test
    @DisplayName("list filters by labels")
    void required_list_filtersByLabels() {
      fleet().listFiltersByLabels();
    }

    @Test
    @DisplayName("list filters by states")
    void required_list_filtersByStates() {
      fleet().listFiltersByStates();
    }

    @Test
    @DisplayName("list filters by segment")
    void required_list_filtersBySegment() {
      fleet().listFiltersBySegment();
    }

    @Test
    @DisplayName("status and list carry exactly the user labels")
    void required_status_carriesExactlyTheUserLabels() {
      fleet().statusCarriesExactlyTheUserLabels();
    }
  }

  @Nested
  @DisplayName("Update: in place where possible, otherwise recreate")
  class Update {
    @Test
    @DisplayName("updating resources keeps a running bot running with its id and labels")
    void required_update_ofResources_keepsARunningBotRunning() {
      fleet().updateOfResourcesKeepsARunningBotRunning();
    }

    @Test
    @DisplayName("updating config recreates a running bot, which then sees the new config")
    void required_update_ofConfig_recreatesTheBotWithTheNewConfig() {
      fleet().updateOfConfigRecreatesTheBotWithTheNewConfig();
    }

    @Test
    @DisplayName("updating env recreates a running bot, which then sees the new value")
    void required_update_ofEnv_recreatesTheBotWithTheNewValue() {
      fleet().updateOfEnvRecreatesTheBotWithTheNewValue();
    }

    @Test
    @DisplayName("after an update that recreates the bot, logs() show only the new run's lines")
    void required_logs_afterARecreatingUpdate_showOnlyTheNewRun() {
      fleet().logsAfterARecreatingUpdateShowOnlyTheNewRun();
    }

    @Test
    @DisplayName("updating a bot that is not running leaves it not running")
    void required_update_ofANotRunningBot_leavesItNotRunning() {
      fleet().updateOfANotRunningBotLeavesItNotRunning();
    }
  }

  @Nested
  @DisplayName("Concurrency: calls are thread-safe and serialise per id")
  class Concurrency {
    @Test
    @DisplayName("random create/start/stop/restart/update/delete/status/list calls from many threads on 4 ids "
        + "(16 x 50 by default) are linearizable, throw only documented exceptions and leave consistent states")
    void required_concurrentCalls_onOverlappingIds_areLinearizable() {
      concurrency().concurrentCallsOnOverlappingIdsAreLinearizable(concurrentThreads(), operationsPerThread());
    }

    @Test
    @DisplayName("follows opened at once on one bot (200 by default) each get every one of its 2,000 lines exactly "
        + "once")
    void required_follow_twoHundredFollowersOfOneBot_eachGetEveryLine() {
      logs().followersOfAFastWriterGetEveryLineOnce(simultaneousFollowers(), false, 2_000);
    }

    @Test
    @DisplayName("8 concurrent creates of one id: exactly one wins, the others get BotAlreadyExistsException")
    void required_concurrentCreates_ofOneId_letExactlyOneWin() {
      concurrency().concurrentCreatesOfOneIdLetExactlyOneWin();
    }
  }

  @Nested
  @DisplayName("Close and re-adoption: close never stops bots; a new instance manages them")
  class CloseAndReadoption {
    @Test
    @DisplayName("close leaves bots running, and a new instance of the scope sees, stops and deletes them")
    void required_close_leavesBotsRunning_andANewInstanceReadoptsThem() {
      close().closeLeavesBotsRunningAndANewInstanceReadoptsThem();
    }

    @Test
    @DisplayName("close twice is a no-op")
    void required_close_twice_isANoOp() {
      close().closeTwiceIsANoOp();
    }

    @Test
    @DisplayName("after close every call but close, type and health throws RuntimeClosedException; health is unhealthy")
    void required_everyCallAfterClose_throwsRuntimeClosed() {
      close().everyCallAfterCloseThrowsRuntimeClosed();
    }
  }

  @Nested
  @DisplayName("Leaks: closed follows and closed runtimes leave no thread, file descriptor, socket or temp file")
  @Isolated
  class ThreadLeaks {
    @Test
    @DisplayName("closed follows leave no thread behind")
    void required_follow_leaksNoThreadAfterClose() {
      logs().followLeaksNoThreadAfterClose();
    }

    @Test
    @DisplayName("close releases every thread the runtime started")
    void required_close_releasesThreads() {
      close().closeReleasesThreads();
    }

    @Test
    @DisplayName("close ends a follow that is open on another thread, and leaves no thread behind")
    void required_close_endsOpenFollows_andLeavesNoThread() {
      close().closeEndsOpenFollows();
    }

    @Test
    @DisplayName("close with follows open gives back every thread, file descriptor, socket and temp file")
    void required_close_withFollowsOpen_givesBackThreadsDescriptorsSocketsAndTempFiles() {
      leaks().runtimeClosedWithFollowsOpenGivesEverythingBack(kit);
    }

    @Test
    @DisplayName("runtimes created, used and closed in a row (1,000 by default) leave threads, descriptors, "
        + "sockets and temp files where they were")
    void required_createCloseCycles_showNoGrowth() {
      leaks().runtimeCreateCloseCyclesShowNoGrowth(kit, createCloseCycles());
    }
  }

  @Nested
  @DisplayName("Backend: health, capabilities and optional features")
  class Backend {
    @Test
    @DisplayName("health() is healthy with a message")
    void required_health_isHealthy() {
      backend().healthIsHealthy();
    }

    @Test
    @DisplayName("hostAddress() is not blank")
    void required_hostAddress_isNotBlank() {
      backend().hostAddressIsNotBlank();
    }

    @Test
    @DisplayName("type() is a lower-case name")
    void required_type_isALowerCaseName() {
      backend().typeIsALowerCaseName();
    }

    @Test
    @DisplayName("capabilities() include the default network and NEVER restarts")
    void required_capabilities_areReported() {
      backend().capabilitiesAreReported();
    }

    @Test
    @DisplayName("require() of a feature the backend lacks throws UnsupportedFeatureException naming it")
    void required_require_throwsUnsupportedFeatureForMissingFeatures() {
      backend().requireThrowsForMissingFeatures();
    }

    @Test
    @DisplayName("ExecManager runs a command in a running bot")
    void optional_execManager_runsACommandInTheBot() {
      backend().execRunsACommandInTheBot();
    }

    @Test
    @DisplayName("StatsManager reports usage of a running bot")
    void optional_statsManager_reportsUsageOfARunningBot() {
      backend().statsReportUsageOfARunningBot();
    }

    @Test
    @DisplayName("EventManager reports STARTED and STOPPED events")
    void optional_eventManager_reportsLifecycleChanges() {
      backend().eventsReportLifecycleChanges();
    }

    @Test
    @DisplayName("NetworkManager creates, lists and removes a network")
    void optional_networkManager_createsListsAndRemovesNetworks() {
      backend().networksCanBeCreatedListedAndRemoved();
    }

    @Test
    @DisplayName("ScheduleManager creates, lists and removes a schedule")
    void optional_scheduleManager_createsListsAndRemovesSchedules() {
      backend().schedulesCanBeCreatedListedAndRemoved();
    }

    @Test
    @DisplayName("a bot over its memory limit is OOM-killed: FAILED with exit code 137 and oomKilled")
    void optional_memoryLimit_isEnforced() {
      backend().memoryLimitIsEnforced();
    }

    @Test
    @DisplayName("a workload removed behind the runtime's back is FAILED or not found at once, and delete works")
    void optional_workloadRemovedBehindTheRuntimesBack_isReportedAtOnce() {
      backend().aWorkloadRemovedBehindTheRuntimesBackIsReportedAtOnce();
    }
  }
}
