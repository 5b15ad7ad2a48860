package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.berth.runtime.testkit.broken.BrokenKits;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kits test themselves: each deliberately broken implementation must fail the kit test that guards the
 * rule it breaks, and the correct mocks must pass through the very same harness.
 */
class BrokenImplementationsTest {
  static Stream<Arguments> brokenImplementations() {
    return Stream.of(
        arguments(BrokenKits.StartNotIdempotent.class, "required_start_onARunningBot_isANoOp"),
        arguments(BrokenKits.DeleteThrowsOnUnknownId.class, "required_delete_ofAnUnknownId_isANoOp"),
        arguments(BrokenKits.ListLeaksOtherScopes.class, "required_anotherScope_seesNoneOfTheBots"),
        arguments(BrokenKits.FollowNeverEnds.class, "required_follow_endsWhenTheBotStops"),
        arguments(BrokenKits.LosesTheLastLine.class, "required_follow_deliversEveryLineOfAFinishedRun"),
        arguments(BrokenKits.StopIgnoresGrace.class, "required_stop_killsABotIgnoringSigtermAfterTheGrace"),
        arguments(BrokenKits.StopIgnoresGrace.class, "required_stop_deliversSigtermToTheProgram"),
        arguments(BrokenKits.StopReturnsBeforeStopped.class, "required_stop_leavesTheBotStopped"),
        arguments(BrokenKits.StaleStatusAfterStop.class, "required_stop_leavesTheBotStopped"),
        arguments(BrokenKits.StatusCachedForThreeSeconds.class, "required_statusAndList_agreeOnABotThatExitedOnItsOwn"),
        arguments(BrokenKits.ListCachedForThreeSeconds.class, "required_statusAndList_agreeRightAfterEachTransition"),
        arguments(BrokenKits.AddressAlwaysEmpty.class,
            "required_address_ofARunningBot_isPresentWhereTheBackendHasNetworking"),
        arguments(BrokenKits.WrongExceptionForUnknownId.class, "required_everyCallOnAnUnknownId_throwsBotNotFound"),
        arguments(BrokenKits.ExitCodeIgnored.class, "required_exitNonZero_isFailedWithItsExitCode"),
        arguments(BrokenKits.ExitCodeIgnored.class, "required_restartPolicyNever_doesNotRestart"),
        arguments(BrokenKits.CloseStopsBots.class, "required_close_leavesBotsRunning_andANewInstanceReadoptsThem"),
        arguments(BrokenKits.DuplicateCreateOverwrites.class, "required_create_withATakenId_throwsAndChangesNothing"),
        arguments(BrokenKits.NotThreadSafe.class, "required_concurrentCreates_ofOneId_letExactlyOneWin"),
        arguments(BrokenKits.StatusCacheRacesChanges.class, "required_concurrentCalls_onOverlappingIds_areLinearizable"),
        arguments(BrokenKits.DeleteOfAMalformedIdIsANoOp.class, "required_everyCallWithAMalformedId_throwsInvalidSpec"),
        arguments(BrokenKits.ClosedRuntimeThrowsIllegalState.class, "required_everyCallAfterClose_throwsRuntimeClosed"),
        arguments(BrokenKits.ClosedRunnerThrowsIllegalState.class, "required_everyCallAfterClose_throwsRuntimeClosed"),
        arguments(BrokenKits.ClaimsMemoryEnforcement.class, "optional_memoryLimit_isEnforced"),
        arguments(BrokenKits.CloseLeavesFollowsOpen.class, "required_close_endsOpenFollows_andLeavesNoThread"),
        arguments(BrokenKits.LeaksAThreadPerInstance.class, "required_createCloseCycles_showNoGrowth"),
        arguments(BrokenKits.LeaksAThreadPerInstance.class,
            "required_close_withFollowsOpen_givesBackThreadsDescriptorsSocketsAndTempFiles"),
        arguments(BrokenKits.LeaksADescriptorPerInstance.class, "required_createCloseCycles_showNoGrowth"),
        arguments(BrokenKits.RunnerLeaksAThreadPerInstance.class, "required_createCloseCycles_showNoGrowth"),
        arguments(BrokenKits.RunnerLeaksAThreadPerInstance.class,
            "required_close_withABacktestRunning_givesBackThreadsDescriptorsSocketsAndTempFiles"),
        arguments(BrokenKits.MissingProgramUnnamed.class, "required_start_ofAMissingProgram_namesTheProgram"),
        arguments(BrokenKits.LeavesWorkloadBehindAfterDelete.class, "required_delete_removesEverything"),
        arguments(BrokenKits.CancelReportedAsFailed.class, "required_cancel_endsCancelled"),
        arguments(BrokenKits.AwaitGivesUpAtOnce.class, "required_timeout_endsTimedOut"),
        arguments(BrokenKits.ListNotSorted.class, "required_list_returnsThePrefixSortedByKey"),
        arguments(BrokenKits.OverwriteNotAtomic.class, "required_overwrite_isAtomic"),
        arguments(BrokenKits.EtagIgnoresContent.class, "required_stat_describesTheObject"),
        arguments(BrokenKits.AcceptsTraversalKeys.class, "required_invalidKeys_areRejected"));
  }

  /**
   * Runs only the kit test that guards the broken rule (the rest of the kit would pass or fail for other
   * reasons, and take a minute per implementation); it must be found, and fail. Every one of these is a real
   * bug, not a slow machine, so no failure message may suggest a larger timeout factor.
   */
  @ParameterizedTest(name = "{0} fails {1}")
  @MethodSource("brokenImplementations")
  void theKitRejectsABrokenImplementation(Class<?> kit, String expectedFailure) {
    KitRun run = KitRun.only(kit, expectedFailure);
    assertThat(run.summary().getTestsFoundCount()).as("kit tests selected in %s", kit.getSimpleName()).isOne();
    assertThat(run.failures()).as("kit tests that failed for %s", kit.getSimpleName())
        .containsOnlyKeys(expectedFailure);
    assertThat(run.failures().get(expectedFailure)).as("failure message of %s for %s (a bug, not a timeout)",
        expectedFailure, kit.getSimpleName()).doesNotContain(KitTimeouts.FACTOR_ENV);
  }

  static Stream<Arguments> correctImplementations() {
    return Stream.of(arguments(BrokenKits.CorrectRuntime.class), arguments(BrokenKits.CorrectRunner.class),
        arguments(BrokenKits.CorrectStore.class));
  }

  @ParameterizedTest(name = "{0} passes")
  @MethodSource("correctImplementations")
  void theCorrectMocksPassThroughTheSameHarness(Class<?> kit) {
    KitRun run = KitRun.of(kit);
    assertThat(run.summary().getTestsFoundCount()).as("kit tests found").isGreaterThan(10);
    assertThat(run.failures()).as("kit tests that failed for the correct mock").isEmpty();
  }

  @Test
  void optionalTestsAbortWithTheReasonWhenTheRuntimeLacksTheCapability() {
    KitRun run = KitRun.of(BrokenKits.CorrectButLimited.class);
    assertThat(run.failures()).as("kit tests that failed for a correct but limited mock").isEmpty();
    assertThat(run.aborted()).as("optional tests that aborted").containsExactlyInAnyOrder(
        "optional_restartPolicyOnFailure_restartsUpToItsMaximum", "optional_restartPolicyAlways_restartsAnExitedBot",
        "optional_execManager_runsACommandInTheBot", "optional_statsManager_reportsUsageOfARunningBot",
        "optional_eventManager_reportsLifecycleChanges", "optional_networkManager_createsListsAndRemovesNetworks",
        "optional_scheduleManager_createsListsAndRemovesSchedules", "optional_memoryLimit_isEnforced");
    assertThat(run.summary().getTestsSucceededCount()).as("tests that ran and passed, including "
        + "optional_create_withAnUnsupportedSetting_isRejected").isEqualTo(run.summary().getTestsFoundCount() - 8);
  }
}
