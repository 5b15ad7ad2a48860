package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalTestSupport.awaitLogs;
import static dev.berth.runtime.local.LocalTestSupport.awaitState;
import static dev.berth.runtime.local.LocalTestSupport.shBot;
import static dev.berth.runtime.local.LocalTestSupport.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.EventManager.EventType;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.StatsManager;
import dev.berth.runtime.UnsupportedFeatureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a bot's process is set up: workspace, environment, limits, and the exec/stats/event features. */
class LocalProcessTest {
  private static final String SLEEP = "trap 'exit 0' TERM; while :; do sleep 1000 & wait $!; done";

  @TempDir
  Path stateDir;
  LocalRuntime runtime;

  @BeforeEach
  void open() {
    runtime = LocalRuntime.builder().stateDir(stateDir).scope("proc").stopGrace(Duration.ofSeconds(2)).build();
  }

  @AfterEach
  void close() {
    LocalTestSupport.cleanUp(runtime);
  }

  @Test
  void aStopRightAfterStartReachesTheWorkloadAsSigterm() {
    // Between the wrapper's fork and the workload's exec the child still carries the wrapper's no-op trap;
    // a TERM landing there would be swallowed and the stop would end in a SIGKILL (137) after the grace.
    for (int i = 0; i < 20; i++) {
      String id = "quick-" + i;
      runtime.create(dev.berth.runtime.BotSpec.builder(id).command("sleep", "100000").build());
      runtime.start(id);
      runtime.stop(id, Duration.ofSeconds(2));
      BotStatus status = runtime.status(id);
      assertThat(status.state()).isEqualTo(BotState.STOPPED);
      assertThat(status.exitCode()).as("exit code of stop #%d (143 = SIGTERM, 137 = SIGKILL)", i).hasValue(143);
      runtime.delete(id);
    }
  }

  @Test
  void aCommandOnlyBotRunsInItsWorkspaceWithConfigJson() {
    runtime.create(shBot("cwd", "pwd; cat config.json; echo; " + SLEEP).config("{\"k\":1}").image("ignored:1").build());
    runtime.start("cwd");
    Path workspace = stateDir.resolve("proc/bots/cwd/workspace");
    List<String> lines = awaitLogs(runtime, "cwd", texts -> texts.size() >= 2);
    assertThat(lines).startsWith(workspace.toString(), "{\"k\":1}");
    assertThat(workspace.resolve("config.json")).hasContent("{\"k\":1}");
  }

  @Test
  void theEnvironmentHoldsOnlyTheSafeBaseTheSpecAndBotVariables() {
    runtime.create(shBot("env", "env; " + SLEEP).env("GREETING", "hi").config("{\"a\":true}").build());
    runtime.start("env");
    List<String> lines = awaitLogs(runtime, "env", texts -> texts.stream().anyMatch(t -> t.startsWith("BOT_ID=")));
    Set<String> names = lines.stream().filter(t -> t.contains("=")).map(t -> t.substring(0, t.indexOf('=')))
        .collect(Collectors.toSet());
    // PWD is set by the shell itself; everything else of this JVM's environment must stay out.
    assertThat(names).isSubsetOf("PATH", "HOME", "LANG", "TZ", "PWD", "BOT_ID", "BOT_CONFIG", "GREETING");
    assertThat(lines).contains("GREETING=hi", "BOT_ID=env", "BOT_CONFIG={\"a\":true}");
    assertThat(System.getenv().keySet()).as("the test JVM has more variables than the bot got")
        .isNotEmpty().anyMatch(name -> !names.contains(name));
  }

  @Test
  void unenforcedLimitsAreStatedInTheStatusMessage() {
    BotStatus created = runtime.create(shBot("limited", SLEEP)
        .resources(Resources.builder().memory("64m").cpuMillis(500).build()).build());
    if (runtime.capabilities().enforcesMemoryLimit()) {
      assertThat(created.message()).doesNotContain("not enforced");
    } else {
      assertThat(created.message()).startsWith("memory and cpu limits not enforced: cgroup v2 not");
      runtime.start("limited");
      assertThat(runtime.status("limited").message()).contains("memory and cpu limits not enforced");
    }
  }

  @Test
  void settingsAHostProcessCannotHonourAreRejectedUpFront() {
    assertThatThrownBy(() -> runtime.create(shBot("net", SLEEP).networkMode(NetworkMode.NONE).build()))
        .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("network mode 'none'");
    assertThatThrownBy(() -> runtime.create(shBot("mount", SLEEP).mount(Mount.readOnly("/srv/data", "/data"))
        .build())).isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("/srv/data -> /data");
    assertThatThrownBy(() -> runtime.create(shBot("port", SLEEP).port(PortMapping.tcp(8080, 9090)).build()))
        .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("8080 -> 9090");
    assertThat(runtime.list()).isEmpty();
    runtime.create(shBot("ok", SLEEP).networkMode(NetworkMode.HOST).port(PortMapping.tcp(8080))
        .mount(Mount.readOnly("/tmp", "/tmp")).build());
  }

  @Test
  void execRunsInTheWorkspaceWithTheBotsEnvironmentAndTimesOut() {
    runtime.create(shBot("exec", SLEEP).env("GREETING", "hi").build());
    assertThatThrownBy(() -> runtime.require(ExecManager.class).exec("exec", List.of("true"), Duration.ofSeconds(5)))
        .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not running");
    runtime.start("exec");
    ExecManager exec = runtime.require(ExecManager.class);
    ExecManager.ExecResult result = exec.exec("exec", List.of("sh", "-c", "pwd; echo $GREETING; echo oops >&2; exit 4"),
        Duration.ofSeconds(10));
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.stdout()).isEqualTo(stateDir.resolve("proc/bots/exec/workspace") + "\nhi\n");
    assertThat(result.stderr()).isEqualTo("oops\n");
    ExecManager.ExecResult slow = exec.exec("exec", List.of("sh", "-c", "sleep 30 & wait"), Duration.ofMillis(300));
    assertThat(slow.exitCode()).isEqualTo(-1);
  }

  @Test
  void statsMeasureTheProcessTree() {
    runtime.create(shBot("stats", SLEEP).build());
    runtime.start("stats");
    StatsManager.BotStats stats = runtime.require(StatsManager.class).stats("stats");
    assertThat(stats.botId()).isEqualTo("stats");
    assertThat(stats.cpuTime().isNegative()).isFalse();
    if (Files.isDirectory(Path.of("/proc/self"))) {
      assertThat(stats.memoryBytes().orElse(0)).isPositive();
      assertThat(stats.pids().getAsLong()).as("wrapper and shell (and soon its sleep)").isGreaterThanOrEqualTo(2);
    }
    runtime.stop("stats");
    assertThat(runtime.require(StatsManager.class).stats("stats").pids()).hasValue(0);
  }

  @Test
  void eventsFollowTheLifecycleIncludingPolicyRestarts() {
    List<EventManager.BotEvent> events = Collections.synchronizedList(new ArrayList<>());
    EventManager.Subscription subscription = runtime.require(EventManager.class)
        .subscribe(BotFilter.builder().label("watch", "yes").build(), events::add);
    try {
      runtime.create(shBot("unwatched", "exit 0").build());
      runtime.create(shBot("watched", "exit 3").label("watch", "yes")
          .restartPolicy(dev.berth.runtime.RestartPolicy.onFailure(1)).build());
      runtime.start("watched");
      awaitState(runtime, "watched", BotState.FAILED);
      await().atMost(LocalTestSupport.WAIT).until(() -> runtime.status("watched").restartCount() == 1
          && runtime.status("watched").state() == BotState.FAILED);
      runtime.delete("watched");
      await().atMost(LocalTestSupport.WAIT).until(() -> types(events).contains(EventType.DELETED));
    } finally {
      subscription.close();
    }
    assertThat(types(events)).containsExactly(EventType.CREATED, EventType.STARTED, EventType.FAILED,
        EventType.RESTARTED, EventType.FAILED, EventType.DELETED);
    assertThat(events.get(2).exitCode()).hasValue(3);
    assertThat(events).allMatch(event -> event.botId().equals("watched"));
  }

  private static List<EventType> types(List<EventManager.BotEvent> events) {
    synchronized (events) {
      return events.stream().map(EventManager.BotEvent::type).collect(Collectors.toList());
    }
  }

  @Test
  void aFailedBotSaysWhy() {
    runtime.create(shBot("missing", "echo 'cannot open strategy.yaml' >&2; exit 2").build());
    runtime.start("missing");
    BotStatus failed = awaitState(runtime, "missing", BotState.FAILED);
    assertThat(failed.exitCode()).hasValue(2);
    assertThat(failed.message()).isEqualTo("exited with code 2; last stderr line: cannot open strategy.yaml");
    runtime.create(dev.berth.runtime.BotSpec.builder("no-such").command("no-such-program-berth").build());
    assertThatThrownBy(() -> runtime.start("no-such")).isInstanceOf(dev.berth.runtime.RuntimeOperationException.class)
        .hasMessageContaining("'no-such'").hasMessageContaining("program 'no-such-program-berth' not found on PATH=");
    assertThat(runtime.status("no-such").state()).isEqualTo(BotState.FAILED);
    assertThat(runtime.status("no-such").message()).contains("program 'no-such-program-berth' not found");
  }
}
