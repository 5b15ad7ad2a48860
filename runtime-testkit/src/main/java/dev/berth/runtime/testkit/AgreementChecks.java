package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.Runtime;
import java.util.Optional;

/**
 * "{@code list} and {@code status} never report RUNNING for a workload whose process is gone; right after a
 * transition the runtime observed, both agree": no answer may be cached across a transition. These checks
 * read right after the transition and never wait for a stale answer to catch up, so a status or list
 * cached for seconds fails them however long the kit's other waits are.
 */
final class AgreementChecks {
  private final RuntimeKitSession kit;

  AgreementChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  /** What status() and then list() said, read one after the other. */
  private record Seen(BotStatus status, Optional<BotStatus> listed) {
    boolean statusExited() {
      return exited(status.state());
    }

    boolean listExited() {
      return listed.map(BotStatus::state).filter(Seen::exited).isPresent();
    }

    static boolean exited(BotState state) {
      return state == BotState.STOPPED || state == BotState.FAILED;
    }
  }

  private static Seen look(Runtime runtime, String id) {
    BotStatus status = runtime.status(id);
    return new Seen(status, listed(runtime, id));
  }

  private static Optional<BotStatus> listed(Runtime runtime, String id) {
    return runtime.list().stream().filter(bot -> bot.id().equals(id)).findFirst();
  }

  /** Both status() and list() of {@code runtime} report {@code expected} for {@code id}, without waiting. */
  private static void bothReport(Runtime runtime, String id, BotState expected, String after) {
    Seen seen = look(runtime, id);
    assertThat(seen.status().state()).as("status(\"%s\") right after %s returned (no waiting allowed: status "
        + "must not be cached across a transition)", id, after).isEqualTo(expected);
    assertThat(seen.listed().map(BotStatus::state)).as("state of '%s' in list() right after %s returned (no "
        + "waiting allowed: list must not be cached across a transition)", id, after).hasValue(expected);
  }

  void statusAndListAgreeRightAfterEachTransition() {
    String id = kit.id("agree-now");
    Runtime runtime = kit.runtime();
    Runtime other = kit.runtime(kit.scope);
    runtime.create(kit.bot(kit.workloads.sleepForever(id)));
    bothReport(runtime, id, BotState.CREATED, "create");
    runtime.start(id);
    bothReport(runtime, id, BotState.RUNNING, "start");
    runtime.stop(id, kit.timeouts.quickStopGrace());
    bothReport(runtime, id, BotState.STOPPED, "stop");
    other.start(id);
    bothReport(runtime, id, BotState.RUNNING, "a start through another instance of the scope");
    other.stop(id, kit.timeouts.quickStopGrace());
    bothReport(runtime, id, BotState.STOPPED, "a stop through another instance of the scope");
    other.delete(id);
    assertThatThrownBy(() -> runtime.status(id)).as("status(\"%s\") right after a delete through another "
        + "instance returned", id).isInstanceOf(BotNotFoundException.class);
    assertThat(listed(runtime, id)).as("'%s' in list() right after a delete through another instance returned",
        id).isEmpty();
  }

  /**
   * The bot exits on its own while the kit polls status() and list(); whichever reports the exit first, the
   * other must report it too when read right after.
   */
  void statusAndListAgreeOnABotThatExitedOnItsOwn() {
    String id = kit.id("agree-exit");
    Runtime runtime = kit.runtime();
    BotStatus started = kit.createAndStart(kit.workloads.runBrieflyThenExit(id, 3));
    assertThat(started.state()).as("state of '%s' right after start returned", id)
        .isIn(BotState.RUNNING, BotState.FAILED);
    Seen seen = Await.until(kit.timeouts, "status() or list() to report that bot '" + id + "' exited 3",
        () -> look(runtime, id), each -> each.statusExited() || each.listExited());
    BotStatus listedExit;
    BotStatus statusExit;
    if (seen.statusExited()) {
      statusExit = seen.status();
      listedExit = seen.listed().orElseThrow(() -> new AssertionError("list() omits bot '" + id + "', which "
          + "status() reports " + describe(seen.status())));
      assertThat(listedExit.state()).as("state of '%s' in list() read right after status() reported it %s (list "
          + "must not be cached)", id, describe(statusExit)).isEqualTo(statusExit.state());
    } else {
      listedExit = seen.listed().orElseThrow();
      statusExit = runtime.status(id);
      assertThat(statusExit.state()).as("status(\"%s\") read right after list() reported it %s (status must not "
          + "be cached)", id, describe(listedExit)).isEqualTo(listedExit.state());
    }
    assertThat(statusExit.state()).as("state of '%s', which exited 3 on its own", id).isEqualTo(BotState.FAILED);
    assertThat(statusExit.exitCode()).as("exit code in status() of '%s'", id).hasValue(3);
    assertThat(listedExit.exitCode()).as("exit code in list() of '%s'", id).hasValue(3);
  }

  /** A backend with networking gives a running bot an address; one without says so in capabilities(). */
  void addressOfARunningBotIsPresentWhereTheBackendHasNetworking() {
    assumeTrue(kit.runtime().capabilities().networkModes().stream().anyMatch(mode -> mode != NetworkMode.Kind.NONE),
        "capabilities() lists no network mode but NONE, so bots have no address");
    String id = kit.id("address");
    kit.createAndStart(kit.workloads.sleepForever(id));
    assertThat(kit.runtime().address(id)).as("address(\"%s\") of a running bot in the default network mode "
        + "(capabilities() lists %s)", id, kit.runtime().capabilities().networkModes())
        .hasValueSatisfying(address -> assertThat(address).as("the address").isNotBlank());
  }
}
