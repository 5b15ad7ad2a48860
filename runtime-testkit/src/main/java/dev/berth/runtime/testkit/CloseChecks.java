package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Runtime;
import java.util.Set;
import java.util.stream.Collectors;

/** "close() releases clients and threads; it never stops running bots", and re-adoption by a new instance. */
final class CloseChecks {
  private final RuntimeKitSession kit;

  CloseChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  void closeLeavesBotsRunningAndANewInstanceReadoptsThem() {
    String running = kit.id("adopt-run");
    String created = kit.id("adopt-new");
    Runtime first = kit.runtime(kit.scope);
    first.create(kit.bot(kit.workloads.sleepForever(running)));
    first.start(running);
    first.create(kit.bot(kit.workloads.sleepForever(created)));
    first.close();

    Runtime second = kit.runtime(kit.scope);
    assertThat(second.status(running).state()).as("state of a running bot seen by a new instance after the "
        + "first was closed (close must not stop bots)").isEqualTo(BotState.RUNNING);
    assertThat(second.status(created).state()).as("state of a created bot seen by the new instance")
        .isEqualTo(BotState.CREATED);
    assertThat(second.list().stream().map(BotStatus::id).collect(Collectors.toList()))
        .as("ids the new instance lists").containsExactlyInAnyOrder(running, created);
    second.stop(running, kit.timeouts.quickStopGrace());
    assertThat(second.status(running).state()).as("state after the new instance stopped the re-adopted bot")
        .isEqualTo(BotState.STOPPED);
    second.delete(running);
    second.delete(created);
    assertThat(second.list()).as("bots after the new instance deleted both").isEmpty();
  }

  void closeReleasesThreads() {
    String id = kit.id("close-threads");
    Runtime warmUp = kit.runtime(kit.scope);
    warmUp.create(kit.bot(kit.workloads.printLinesThenSleep(id, 1)));
    warmUp.start(id);
    kit.awaitLogLine(id, "line-1");
    exercise(warmUp, id);
    warmUp.close();

    Set<Thread> baseline = Threads.snapshot();
    Runtime runtime = kit.runtime(kit.scope);
    exercise(runtime, id);
    runtime.close();
    Threads.awaitNoneBeyond(baseline, kit.timeouts, "by a runtime that was used and closed");
  }

  private void exercise(Runtime runtime, String id) {
    runtime.health();
    runtime.list();
    runtime.status(id);
    assertThat(texts(RuntimeKitSession.read(runtime, id, LogOptions.DEFAULT))).contains("line-1");
    try (Follower follower = Follower.start(() -> runtime.logs(id, LogOptions.following()), kit.timeouts,
        "a follow of '" + id + "'")) {
      follower.awaitLines("line-1 to arrive", lines -> texts(lines).contains("line-1"));
      follower.closeStream();
      assertThat(follower.endsWithin(kit.timeouts.await())).as("the closed follow ended").isTrue();
    }
  }

  /**
   * "close() of the runtime ends every open follow promptly": a follow of a running bot, open on another
   * thread, ends when its runtime is closed, and the threads that runtime started end too.
   */
  void closeEndsOpenFollows() {
    String id = kit.id("close-follow");
    kit.createAndStart(kit.workloads.printLinesThenSleep(id, 1));
    kit.awaitLogLine(id, "line-1");
    try (Follower warmUp = kit.follow(id, LogOptions.following())) {
      warmUp.awaitLines("line-1 to arrive", lines -> texts(lines).contains("line-1"));
    }

    Set<Thread> baseline = Threads.snapshot();
    Runtime runtime = kit.runtime(kit.scope);
    try (Follower follower = Follower.start(() -> runtime.logs(id, LogOptions.following()), kit.timeouts,
        "a follow of '" + id + "' on the runtime being closed")) {
      follower.awaitLines("line-1 to arrive", lines -> texts(lines).contains("line-1"));
      runtime.close();
      assertThat(follower.endsWithin(kit.timeouts.await()))
          .as("the follow that was open while its runtime was closed ended (got %s)", texts(follower.lines()))
          .isTrue();
      assertThat(follower.failure()).as("what the follow ended with (nothing, or a BerthException)")
          .satisfiesAnyOf(failure -> assertThat(failure).isNull(),
              failure -> assertThat(failure).isInstanceOf(BerthException.class));
    }
    Threads.awaitNoneBeyond(baseline, kit.timeouts, "by a runtime that was closed during a follow");
    assertThat(kit.status(id).state()).as("state of the followed bot after its follower's runtime was closed")
        .isEqualTo(BotState.RUNNING);
  }

  void closeTwiceIsANoOp() {
    Runtime runtime = kit.runtime(kit.scope);
    runtime.health();
    runtime.close();
    runtime.close();
  }
}
