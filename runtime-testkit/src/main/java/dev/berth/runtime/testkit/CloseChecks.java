package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BerthException;
import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Resources;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.RuntimeClosedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

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
    Threads.awaitNoneBeyond(baseline, kit.timeouts, kit.fixtureThreads,
        "by a runtime that was used and closed");
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
   * After close every call but close, type and health throws RuntimeClosedException, the same on every
   * backend; health says unhealthy; the bots are untouched.
   */
  void everyCallAfterCloseThrowsRuntimeClosed() {
    String id = kit.id("closed");
    kit.createAndStart(kit.workloads.sleepForever(id));
    Runtime closed = kit.runtime(kit.scope);
    String type = closed.type();
    closed.close();
    BotSpec spec = kit.bot(kit.workloads.sleepForever(kit.id("closed-new")));
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("create", () -> closed.create(spec));
    calls.put("start", () -> closed.start(id));
    calls.put("stop(id, grace)", () -> closed.stop(id, kit.timeouts.quickStopGrace()));
    calls.put("stop(id)", () -> closed.stop(id));
    calls.put("restart", () -> closed.restart(id));
    calls.put("delete", () -> closed.delete(id));
    calls.put("status", () -> closed.status(id));
    calls.put("address", () -> closed.address(id));
    calls.put("hostAddress", closed::hostAddress);
    calls.put("logs", () -> ErrorChecks.drain(closed.logs(id, LogOptions.DEFAULT)));
    calls.put("update", () -> closed.update(id, BotUpdate.builder().resources(Resources.builder().memory("64m")
        .build()).build()));
    calls.put("list()", closed::list);
    calls.put("list(filter)", () -> closed.list(BotFilter.ALL));
    calls.put("capabilities", closed::capabilities);
    calls.put("feature", () -> closed.feature(ExecManager.class));
    SoftAssertions softly = new SoftAssertions();
    calls.forEach((name, call) -> softly.assertThatThrownBy(call)
        .as("%s on a closed runtime must throw RuntimeClosedException", name)
        .isInstanceOf(RuntimeClosedException.class));
    softly.assertThat(closed.type()).as("type() of a closed runtime").isEqualTo(type);
    Health health = closed.health();
    softly.assertThat(health.healthy()).as("health().healthy() of a closed runtime").isFalse();
    softly.assertThat(health.message()).as("health().message() of a closed runtime").containsIgnoringCase("closed");
    softly.assertAll();
    closed.close();
    assertThat(kit.status(id).state()).as("state of the bot after calls on a closed instance (nothing may change)")
        .isEqualTo(BotState.RUNNING);
    assertThat(kit.runtime().list()).extracting(BotStatus::id).as("bots after calls on a closed instance")
        .containsExactly(id);
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
    Threads.awaitNoneBeyond(baseline, kit.timeouts, kit.fixtureThreads,
        "by a runtime that was closed during a follow");
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
