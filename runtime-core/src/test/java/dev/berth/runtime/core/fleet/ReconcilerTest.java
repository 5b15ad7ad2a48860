package dev.berth.runtime.core.fleet;

import static dev.berth.runtime.testkit.MockRuntime.Call.CREATE;
import static dev.berth.runtime.testkit.MockRuntime.Call.DELETE;
import static dev.berth.runtime.testkit.MockRuntime.Call.LIST;
import static dev.berth.runtime.testkit.MockRuntime.Call.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.RuntimeClosedException;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reconciler against {@link MockRuntime}: convergence, change detection, ownership, failures mid-pass. */
class ReconcilerTest {
  private final MockRuntime runtime = new MockRuntime();
  private final Fleet fleet = Fleet.of(3);
  private Reconciler reconciler = Reconciler.builder(runtime, fleet).concurrency(1).build();

  @AfterEach
  void close() {
    reconciler.close();
    runtime.close();
  }

  private Map<String, BotStatus> bots() {
    return runtime.list(BotFilter.ALL).stream().collect(Collectors.toMap(BotStatus::id, status -> status));
  }

  @Test
  void convergesFromEmptyInOnePassAndASecondPassDoesNothing() {
    ReconcileReport first = reconciler.reconcileNow();

    assertThat(first.created()).containsExactly("bot-0", "bot-1", "bot-2");
    assertThat(first.desired()).isEqualTo(3);
    assertThat(first.observed()).isZero();
    assertThat(first.isComplete()).isTrue();
    assertThat(bots().values()).allSatisfy(status -> {
      assertThat(status.state()).isEqualTo(BotState.RUNNING);
      assertThat(status.labels()).containsEntry(BotFilter.SPEC_HASH_LABEL,
          Reconciler.specHash(fleet.get(status.id())));
    });

    runtime.reset();
    ReconcileReport second = reconciler.reconcileNow();
    assertThat(second.isIdle()).as("a second pass with no change: %s", second.summary()).isTrue();
    assertThat(second.observed()).isEqualTo(3);
    assertThat(runtime.calls()).as("calls of the idle pass").allMatch(call -> call.is(LIST));
    assertThat(reconciler.lastReport()).contains(second);
  }

  @Test
  void appliesTheRestartPolicyItselfSoTheRuntimeGetsNever() {
    reconciler.reconcileNow();

    BotSpec created = runtime.recorded(CREATE, "bot-1").get(0);
    assertThat(created.restartPolicy()).isEqualTo(RestartPolicy.NEVER);
    assertThat(created.labels()).containsEntry(BotFilter.SPEC_HASH_LABEL, Reconciler.specHash(fleet.get("bot-1")));
    assertThat(created.toBuilder().restartPolicy(RestartPolicy.ALWAYS).build().config())
        .isEqualTo(fleet.get("bot-1").config());
  }

  @Test
  void recreatesOnlyTheBotWhoseSpecChanged() {
    reconciler.reconcileNow();
    Map<String, BotStatus> before = bots();
    fleet.change("bot-1", spec -> spec.config("{\"bot\":\"bot-1\",\"risk\":0.5}"));

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.recreated()).containsExactly("bot-1");
    assertThat(report.actions()).isEqualTo(1);
    Map<String, BotStatus> after = bots();
    assertThat(after.get("bot-1").runtimeId()).isNotEqualTo(before.get("bot-1").runtimeId());
    assertThat(after.get("bot-1").state()).isEqualTo(BotState.RUNNING);
    assertThat(runtime.recorded(CREATE, "bot-1")).last().satisfies(spec -> assertThat(spec.config())
        .isEqualTo("{\"bot\":\"bot-1\",\"risk\":0.5}"));
    assertThat(after.get("bot-0").runtimeId()).isEqualTo(before.get("bot-0").runtimeId());
    assertThat(after.get("bot-2").runtimeId()).isEqualTo(before.get("bot-2").runtimeId());
    assertThat(reconciler.reconcileNow().isIdle()).isTrue();
  }

  @Test
  void deletesBotsNoLongerDesiredButNeverOnesItDidNotCreate() {
    runtime.create(BotSpec.builder("by-hand").image("tools:1").command("sleep").build());
    reconciler.reconcileNow();
    fleet.remove("bot-2");

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.deleted()).containsExactly("bot-2");
    assertThat(bots()).containsOnlyKeys("bot-0", "bot-1", "by-hand");
  }

  @Test
  void startsDesiredBotsThatAreCreatedOrStopped() {
    reconciler.reconcileNow();
    runtime.stop("bot-0", Duration.ZERO);
    runtime.delete("bot-2");
    runtime.create(runtime.recorded(CREATE, "bot-2").get(0));

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.started()).containsExactly("bot-0", "bot-2");
    assertThat(bots().values()).extracting(BotStatus::state).containsOnly(BotState.RUNNING);
  }

  @Test
  void aBotsFailureNeverStopsThePassAndTheNextPassRetries() {
    Fleet big = Fleet.of(10);
    reconciler = Reconciler.builder(runtime, big).concurrency(1).build();
    runtime.failNext(CREATE, 2, () -> new RuntimeOperationException("registry timeout"));

    ReconcileReport first = reconciler.reconcileNow();

    assertThat(first.created()).hasSize(8);
    assertThat(first.failures()).hasSize(2).allSatisfy(failure -> {
      assertThat(failure.action()).isEqualTo(ReconcileReport.Action.CREATE);
      assertThat(failure.reason()).isEqualTo("registry timeout");
    });
    assertThat(first.isComplete()).isFalse();
    ReconcileReport second = reconciler.reconcileNow();
    assertThat(second.created()).containsExactlyElementsOf(first.failures().stream()
        .map(ReconcileReport.Failure::botId).toList());
    assertThat(bots()).hasSize(10);
  }

  @Test
  void aStartThatFailsLeavesTheBotToTheNextPass() {
    runtime.failNext(START, new RuntimeOperationException("port taken"));

    ReconcileReport first = reconciler.reconcileNow();

    assertThat(first.failures()).extracting(ReconcileReport.Failure::botId, ReconcileReport.Failure::action)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bot-0", ReconcileReport.Action.CREATE));
    assertThat(runtime.status("bot-0").state()).isEqualTo(BotState.CREATED);
    assertThat(reconciler.reconcileNow().started()).containsExactly("bot-0");
  }

  @Test
  void anEngineThatIsDownStopsThePassBeforeItActs() {
    reconciler.reconcileNow();
    fleet.remove("bot-0");
    runtime.simulateEngineDown("dockerd restarting");

    ReconcileReport down = reconciler.reconcileNow();

    assertThat(down.stoppedBy()).hasValueSatisfying(reason -> assertThat(reason)
        .startsWith("the runtime could not list its bots").contains("dockerd restarting"));
    assertThat(down.actions()).isZero();
    runtime.simulateEngineUp();
    assertThat(bots()).containsKey("bot-0");
    assertThat(reconciler.reconcileNow().deleted()).containsExactly("bot-0");
  }

  @Test
  void anEngineGoingDownMidPassStopsTheRestAndTheNextPassResumes() {
    Fleet big = Fleet.of(10);
    reconciler = Reconciler.builder(runtime, big).concurrency(1).build();
    runtime.onCreate(spec -> {
      if (runtime.calls(CREATE).size() == 4) {
        runtime.simulateEngineDown("connection reset");
      }
    });

    ReconcileReport first = reconciler.reconcileNow();

    assertThat(first.created()).hasSize(4);
    assertThat(first.failures()).as("the engine's outage is no bot's failure").isEmpty();
    assertThat(first.stoppedBy()).hasValueSatisfying(reason -> assertThat(reason)
        .startsWith("the runtime became unavailable").contains("connection reset"));
    assertThat(runtime.calls(CREATE)).as("creates tried after the outage").hasSize(5);
    runtime.simulateEngineUp();
    runtime.reset();
    ReconcileReport second = reconciler.reconcileNow();
    assertThat(second.created()).hasSize(6);
    assertThat(second.isComplete()).isTrue();
    assertThat(bots()).hasSize(10);
  }

  @Test
  void aFailingDesiredStateDeletesNothing() {
    reconciler.reconcileNow();
    reconciler.close();
    reconciler = Reconciler.builder(runtime, () -> {
      throw new IllegalStateException("database unreachable");
    }).build();

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.stoppedBy()).hasValueSatisfying(reason -> assertThat(reason)
        .startsWith("the desired state could not be read").contains("database unreachable"));
    assertThat(report.actions()).isZero();
    assertThat(bots()).hasSize(3);
    reconciler.close();
    reconciler = Reconciler.builder(runtime, () -> null).build();
    assertThat(reconciler.reconcileNow().stoppedBy()).hasValueSatisfying(reason -> assertThat(reason)
        .contains("returned null"));
    assertThat(bots()).hasSize(3);
  }

  @Test
  void anIdListedTwiceIsReportedAndLeftAsItIs() {
    reconciler.reconcileNow();
    fleet.put(Fleet.spec("bot-1"));
    reconciler.close();
    List<BotSpec> twice = new java.util.ArrayList<>(fleet.get());
    twice.add(Fleet.spec("bot-1").toBuilder().config("{\"other\":true}").build());
    reconciler = Reconciler.builder(runtime, () -> twice).build();

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.failures()).singleElement().satisfies(failure -> {
      assertThat(failure.botId()).isEqualTo("bot-1");
      assertThat(failure.reason()).contains("more than once");
    });
    assertThat(report.actions()).isZero();
    assertThat(bots()).containsKey("bot-1");
  }

  @Test
  void aDryRunPlansWithoutActing() {
    reconciler.close();
    reconciler = Reconciler.builder(runtime, fleet).dryRun(true).build();

    ReconcileReport report = reconciler.reconcileNow();

    assertThat(report.dryRun()).isTrue();
    assertThat(report.created()).containsExactly("bot-0", "bot-1", "bot-2");
    assertThat(report.summary()).contains("would create 3");
    assertThat(runtime.calls()).allMatch(call -> call.is(LIST));
    assertThat(bots()).isEmpty();
  }

  @Test
  void closeLeavesTheBotsAndLaterCallsSaySoClearly() {
    reconciler.reconcileNow();
    runtime.reset();

    reconciler.close();
    reconciler.close();

    assertThat(runtime.calls()).isEmpty();
    assertThat(bots()).hasSize(3);
    assertThatThrownBy(reconciler::reconcileNow).isInstanceOf(RuntimeClosedException.class)
        .hasMessageContaining("reconciler").hasMessageContaining("closed");
    assertThatThrownBy(reconciler::start).isInstanceOf(RuntimeClosedException.class);
  }

  @Test
  void aNewReconcilerTakesOverTheBotsOfAnEarlierOne() {
    reconciler.reconcileNow();
    reconciler.close();
    reconciler = Reconciler.builder(runtime, fleet).build();
    runtime.reset();

    assertThat(reconciler.reconcileNow().isIdle()).isTrue();
    assertThat(runtime.calls()).allMatch(call -> call.is(LIST));
    assertThat(runtime.calls(DELETE)).isEmpty();
  }

  @Test
  void badSettingsAreListedTogether() {
    assertThatThrownBy(() -> Reconciler.builder(runtime, fleet).interval(Duration.ZERO).concurrency(0)
        .segments(4, 4).backoff(Duration.ofSeconds(10), Duration.ofSeconds(1)).crashLoop(0, Duration.ofMinutes(1))
        .eventQueueCapacity(0).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("interval: PT0S is not positive")
        .hasMessageContaining("concurrency: 0 is out of range")
        .hasMessageContaining("segments: 4 is not a segment of 4")
        .hasMessageContaining("backoff: max PT1S is shorter than initial PT10S")
        .hasMessageContaining("crashLoop after: 0")
        .hasMessageContaining("eventQueueCapacity: 0");
    assertThatThrownBy(() -> Reconciler.builder(runtime, fleet).segments(0).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("count 0 is not positive");
  }
}
