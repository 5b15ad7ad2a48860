package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.RestartPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Status rules: exit codes, times, restart policies, and what reaches the workload. */
final class StatusChecks {
  static final String ENV_NAME = "TCK_GREETING";

  private final RuntimeKitSession kit;

  StatusChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  void exitZeroIsStoppedWithExitCodeZero() {
    String id = kit.id("exit-0");
    kit.createAndStart(kit.workloads.exitWith(id, 0));
    BotStatus status = kit.awaitState(id, BotState.STOPPED, BotState.FAILED);
    assertThat(status.state()).as("state of a bot that exited 0").isEqualTo(BotState.STOPPED);
    assertThat(status.exitCode()).as("exit code of a bot that exited 0").hasValue(0);
  }

  void exitNonZeroIsFailedWithItsExitCode() {
    String id = kit.id("exit-3");
    kit.createAndStart(kit.workloads.exitWith(id, 3));
    BotStatus status = kit.awaitState(id, BotState.STOPPED, BotState.FAILED);
    assertThat(status.state()).as("state of a bot that exited 3").isEqualTo(BotState.FAILED);
    assertThat(status.exitCode()).as("exit code of a bot that exited 3").hasValue(3);
    assertThat(status.oomKilled()).as("oomKilled of a bot that exited 3").isFalse();
  }

  void exitedBotHasStartAndFinishTimes() {
    String id = kit.id("times");
    kit.createAndStart(kit.workloads.printLinesThenExit(id, 3, 0));
    BotStatus status = kit.awaitState(id, BotState.STOPPED, BotState.FAILED);
    assertThat(status.startedAt()).as("startedAt of an exited bot").isPresent();
    assertThat(status.finishedAt()).as("finishedAt of an exited bot").isPresent();
    assertThat(status.finishedAt().get()).as("finishedAt").isAfterOrEqualTo(status.startedAt().get());
  }

  void statusAndListAgree() {
    String running = kit.id("agree-run");
    String created = kit.id("agree-new");
    String failed = kit.id("agree-fail");
    kit.createAndStart(kit.workloads.sleepForever(running));
    kit.create(kit.workloads.sleepForever(created));
    kit.createAndStart(kit.workloads.exitWith(failed, 4));
    kit.awaitState(failed, BotState.FAILED);
    Map<String, BotStatus> listed = kit.runtime().list().stream()
        .collect(Collectors.toMap(BotStatus::id, Function.identity()));
    assertThat(listed).as("bots listed").containsOnlyKeys(running, created, failed);
    for (String id : List.of(running, created, failed)) {
      BotStatus status = kit.status(id);
      assertThat(listed.get(id).state()).as("state of '%s' in list() vs status()", id).isEqualTo(status.state());
      assertThat(listed.get(id).exitCode()).as("exit code of '%s' in list() vs status()", id)
          .isEqualTo(status.exitCode());
    }
    assertThat(listed.get(running).state()).isEqualTo(BotState.RUNNING);
    assertThat(listed.get(created).state()).isEqualTo(BotState.CREATED);
    assertThat(listed.get(failed).state()).isEqualTo(BotState.FAILED);
  }

  void restartPolicyNeverDoesNotRestart() {
    String id = kit.id("never");
    kit.createAndStart(kit.workloads.exitWith(id, 1).restartPolicy(RestartPolicy.NEVER));
    BotStatus status = kit.awaitState(id, BotState.FAILED);
    assertThat(status.restartCount()).as("restartCount with RestartPolicy.NEVER").isZero();
  }

  void restartPolicyOnFailureRestartsUpToItsMaximum() {
    assumeTrue(kit.runtime().capabilities().restartPolicies().contains(RestartPolicy.Kind.ON_FAILURE),
        "capabilities().restartPolicies() does not include ON_FAILURE");
    String id = kit.id("on-failure");
    kit.createAndStart(kit.workloads.exitWith(id, 1).restartPolicy(RestartPolicy.onFailure(2)));
    BotStatus status = kit.awaitStatus(id, "restartCount 2 and FAILED",
        s -> s.restartCount() >= 2 && s.state() == BotState.FAILED);
    assertThat(status.restartCount()).as("restartCount with onFailure(2) of a bot that always exits 1")
        .isEqualTo(2);
    assertThat(status.exitCode()).as("exit code after the last restart").hasValue(1);
  }

  void restartPolicyAlwaysRestartsAnExitedBot() {
    assumeTrue(kit.runtime().capabilities().restartPolicies().contains(RestartPolicy.Kind.ALWAYS),
        "capabilities().restartPolicies() does not include ALWAYS");
    String id = kit.id("always");
    kit.createAndStart(kit.workloads.exitWith(id, 0).restartPolicy(RestartPolicy.ALWAYS));
    kit.awaitStatus(id, "restartCount of at least 1", s -> s.restartCount() >= 1);
    kit.runtime().stop(id, kit.timeouts.quickStopGrace());
    assertThat(kit.status(id).state()).as("state after stopping a bot with RestartPolicy.ALWAYS (a requested "
        + "stop is never undone by the policy)").isEqualTo(BotState.STOPPED);
  }

  void envConfigAndBotIdReachTheWorkload() {
    String id = kit.id("echo");
    kit.createAndStart(kit.workloads.echoEnvAndConfig(id, ENV_NAME).env(ENV_NAME, "hello-kit")
        .config("{\"kit\":\"yes\"}"));
    List<String> lines = texts(kit.awaitLogs(id, LogOptions.builder().stdoutOnly().build(),
        "show the bot-id= line", texts -> texts.stream().anyMatch(t -> t.startsWith("bot-id="))));
    assertThat(lines).as("what the workload echoed").contains("env=hello-kit", "bot-id=" + id);
    assertThat(configEchoed(lines)).as("config.json the workload read").isEqualTo("{\"kit\":\"yes\"}");
  }

  /** The config the workload printed, without whitespace; empty when it printed none. */
  static String configEchoed(List<String> lines) {
    return lines.stream().filter(t -> t.startsWith("config=")).reduce((a, b) -> b)
        .map(t -> t.substring("config=".length()).replaceAll("\\s", "")).orElse("");
  }
}
