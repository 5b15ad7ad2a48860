package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.KIT_LABEL;
import static dev.berth.runtime.testkit.RuntimeKitSession.KIT_LABEL_VALUE;
import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Runtime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;

/** Lifecycle and idempotency rules of DESIGN §2: create, start, stop, restart, delete. */
final class LifecycleChecks {
  private final RuntimeKitSession kit;

  LifecycleChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  void createReturnsCreatedStatus() {
    String id = kit.id("create");
    BotStatus created = kit.create(kit.workloads.sleepForever(id).label("team", "kit"));
    assertThat(created.id()).as("id in the status create returned").isEqualTo(id);
    assertThat(created.state()).as("state create returned (create must not start the bot)")
        .isEqualTo(BotState.CREATED);
    assertThat(created.labels()).as("labels in the status create returned")
        .containsEntry("team", "kit").containsEntry(KIT_LABEL, KIT_LABEL_VALUE);
    assertThat(kit.status(id).state()).as("state of '%s' after create", id).isEqualTo(BotState.CREATED);
    assertThat(kit.runtime().list()).extracting(BotStatus::id).as("ids listed after create").containsExactly(id);
  }

  void startMakesTheBotRunning() {
    String id = kit.id("start");
    BotStatus status = kit.createAndStart(kit.workloads.sleepForever(id));
    assertThat(status.state()).as("state of '%s' right after start returned", id).isEqualTo(BotState.RUNNING);
    assertThat(status.startedAt()).as("startedAt of a running bot").isPresent();
  }

  void stopLeavesTheBotStopped() {
    String id = kit.id("stop");
    kit.createAndStart(kit.workloads.sleepForever(id));
    kit.runtime().stop(id, kit.timeouts.quickStopGrace());
    assertThat(kit.status(id).state()).as("state of '%s' right after stop returned (no waiting allowed)", id)
        .isEqualTo(BotState.STOPPED);
  }

  void startAfterStopRunsTheBotAgain() {
    String id = kit.id("restart-by-hand");
    kit.createAndStart(kit.workloads.sleepForever(id));
    kit.runtime().stop(id, kit.timeouts.quickStopGrace());
    kit.runtime().start(id);
    assertThat(kit.status(id).state()).as("state after stop and start").isEqualTo(BotState.RUNNING);
  }

  void restartRunsTheBotAgain() {
    String id = kit.id("restart");
    kit.createAndStart(kit.workloads.sleepForever(id));
    kit.runtime().restart(id);
    BotStatus status = kit.status(id);
    assertThat(status.state()).as("state right after restart returned").isEqualTo(BotState.RUNNING);
    assertThat(status.restartCount()).as("restartCount after restart() (a requested restart is not a policy "
        + "restart)").isZero();
  }

  void deleteRemovesTheBot() {
    String id = kit.id("delete");
    kit.create(kit.workloads.sleepForever(id));
    kit.runtime().delete(id);
    assertThatThrownBy(() -> kit.status(id)).as("status of a deleted bot")
        .isInstanceOf(BotNotFoundException.class);
    assertThat(kit.runtime().list()).extracting(BotStatus::id).as("ids listed after delete").doesNotContain(id);
  }

  void deleteOfARunningBotFreesItsId() {
    String id = kit.id("delete-running");
    kit.createAndStart(kit.workloads.sleepForever(id));
    kit.runtime().delete(id);
    assertThatThrownBy(() -> kit.status(id)).as("status of a deleted running bot")
        .isInstanceOf(BotNotFoundException.class);
    BotStatus again = kit.createAndStart(kit.workloads.sleepForever(id));
    assertThat(again.state()).as("a new bot under the deleted bot's id, started").isEqualTo(BotState.RUNNING);
  }

  void startOfAQuicklyExitingBotReturnsRunningOrExited() {
    String id = kit.id("quick-exit");
    BotStatus status = kit.createAndStart(kit.workloads.exitWith(id, 0));
    assertThat(status.state()).as("state right after start of a bot that exits at once")
        .isIn(BotState.RUNNING, BotState.STOPPED);
    BotStatus exited = kit.awaitState(id, BotState.STOPPED);
    assertThat(exited.exitCode()).as("exit code of a bot that exited 0").hasValue(0);
  }

  void stopKillsAWorkloadIgnoringSigtermAfterTheGrace() {
    String id = kit.id("ignore-term");
    kit.createAndStart(kit.workloads.ignoreSigterm(id));
    kit.awaitLogLine(id, "ready");
    Duration grace = kit.timeouts.stopGrace();
    Instant started = kit.clock.instant();
    kit.runtime().stop(id, grace);
    Duration took = Duration.between(started, kit.clock.instant());
    assertThat(kit.status(id).state()).as("state right after stop returned for a bot ignoring SIGTERM "
        + "(killed after the grace on request, so STOPPED)").isEqualTo(BotState.STOPPED);
    assertThat(took).as("time stop(id, %s) took for a bot ignoring SIGTERM: it must wait the grace before "
        + "killing", grace).isGreaterThanOrEqualTo(grace.multipliedBy(9).dividedBy(10));
  }

  void stopDeliversSigtermToTheProgram() {
    String id = kit.id("announce-term");
    BotSpec.Builder spec;
    try {
      spec = kit.workloads.announceSigterm(id);
    } catch (UnsupportedOperationException e) {
      Assumptions.abort("Workloads.announceSigterm is not implemented for this backend: " + e.getMessage());
      return;
    }
    kit.createAndStart(spec);
    kit.awaitLogLine(id, "up");
    try (Follower follower = Follower.start(() -> kit.runtime().logs(id, LogOptions.following()), kit.timeouts,
        "a follow of '" + id + "' during its stop")) {
      // a long grace: a stop that never delivers SIGTERM kills the program only at its end, without "term"
      kit.runtime().stop(id, kit.timeouts.quickStopGrace().multipliedBy(5));
      follower.awaitLines("'term', which the program writes on SIGTERM before it exits",
          lines -> texts(lines).contains("term"));
    }
    assertThat(kit.status(id).state()).as("state after a stop the program ended on its own").isEqualTo(BotState.STOPPED);
  }

  void startOnARunningBotIsANoOp() {
    String id = kit.id("start-twice");
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, 3));
    kit.awaitLogs(id, LogOptions.DEFAULT, "show line-3 and err-1",
        texts -> texts.contains("line-3") && texts.contains("err-1"));
    BotStatus before = kit.status(id);
    kit.runtime().start(id);
    BotStatus after = kit.status(id);
    assertThat(after.state()).as("state after a second start").isEqualTo(BotState.RUNNING);
    assertThat(after.startedAt()).as("startedAt after a second start (the bot must not have been restarted)")
        .isEqualTo(before.startedAt());
    assertThat(after.runtimeId()).as("runtimeId after a second start").isEqualTo(before.runtimeId());
    assertThat(after.restartCount()).as("restartCount after a second start").isEqualTo(before.restartCount());
    assertThat(texts(kit.logs(id, LogOptions.builder().stdoutOnly().build())))
        .as("stdout after a second start (the workload must not have run twice)")
        .containsExactly("line-1", "line-2", "line-3");
  }

  void stopOnAStoppedBotIsANoOp() {
    String id = kit.id("stop-twice");
    kit.createAndStart(kit.workloads.sleepForever(id));
    Runtime runtime = kit.runtime();
    runtime.stop(id, kit.timeouts.quickStopGrace());
    runtime.stop(id, kit.timeouts.quickStopGrace());
    assertThat(kit.status(id).state()).as("state after a second stop").isEqualTo(BotState.STOPPED);
  }

  void stopOnANeverStartedBotIsANoOp() {
    String id = kit.id("stop-created");
    kit.create(kit.workloads.sleepForever(id));
    kit.runtime().stop(id, kit.timeouts.quickStopGrace());
    assertThat(kit.status(id).state()).as("state after stopping a bot that never ran")
        .isIn(BotState.CREATED, BotState.STOPPED);
  }

  void stopOnAnExitedBotKeepsItsExitCode() {
    String id = kit.id("stop-failed");
    kit.createAndStart(kit.workloads.exitWith(id, 3));
    kit.awaitState(id, BotState.FAILED);
    kit.runtime().stop(id, kit.timeouts.quickStopGrace());
    BotStatus status = kit.status(id);
    assertThat(status.state()).as("state after stopping a bot that had exited 3").isEqualTo(BotState.FAILED);
    assertThat(status.exitCode()).as("exit code after stopping a bot that had exited 3").hasValue(3);
  }

  void deleteTwiceIsANoOp() {
    String id = kit.id("delete-twice");
    kit.create(kit.workloads.sleepForever(id));
    kit.runtime().delete(id);
    kit.runtime().delete(id);
    assertThat(kit.runtime().list()).as("bots listed after deleting the only one twice").isEmpty();
  }

  void deleteOfAnUnknownIdIsANoOp() {
    String id = kit.id("never-created");
    kit.runtime().delete(id);
    assertThat(kit.runtime().list()).as("bots listed after deleting an unknown id").isEmpty();
  }
}
