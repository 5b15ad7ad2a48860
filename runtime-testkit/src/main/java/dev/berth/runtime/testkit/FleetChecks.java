package dev.berth.runtime.testkit;

import static dev.berth.runtime.testkit.RuntimeKitSession.KIT_LABEL;
import static dev.berth.runtime.testkit.RuntimeKitSession.KIT_LABEL_VALUE;
import static dev.berth.runtime.testkit.RuntimeKitSession.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.BotUpdate;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Resources;
import dev.berth.runtime.Runtime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Scoping, labels, list filters and update. */
final class FleetChecks {
  private final RuntimeKitSession kit;

  FleetChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  private static List<String> ids(List<BotStatus> statuses) {
    return statuses.stream().map(BotStatus::id).collect(Collectors.toList());
  }

  void anotherScopeSeesNoneOfTheBots() {
    String id = kit.id("scoped");
    kit.createAndStart(kit.workloads.sleepForever(id));
    Runtime other = kit.runtime(kit.otherScope());
    assertThat(other.list()).as("bots another scope lists").isEmpty();
    assertThatThrownBy(() -> other.status(id)).as("status of '%s' from another scope", id)
        .isInstanceOf(BotNotFoundException.class);
    assertThatThrownBy(() -> other.stop(id, kit.timeouts.quickStopGrace())).as("stop from another scope")
        .isInstanceOf(BotNotFoundException.class);
    other.delete(id);
    assertThat(kit.status(id).state()).as("state after another scope stopped and deleted the id")
        .isEqualTo(BotState.RUNNING);
  }

  void theSameIdInAnotherScopeIsIndependent() {
    String id = kit.id("twin");
    kit.createAndStart(kit.workloads.sleepForever(id));
    Runtime other = kit.runtime(kit.otherScope());
    BotStatus twin = other.create(kit.bot(kit.otherScope(), kit.workloads.sleepForever(id).label("side", "other")));
    assertThat(twin.state()).as("state of the same id created in another scope").isEqualTo(BotState.CREATED);
    assertThat(kit.status(id).labels()).as("labels of the first scope's bot").doesNotContainKey("side");
    other.delete(id);
    assertThat(kit.status(id).state()).as("state after the other scope deleted its twin")
        .isEqualTo(BotState.RUNNING);
    assertThat(ids(kit.runtime().list())).as("ids listed in the first scope").containsExactly(id);
    assertThat(other.list()).as("bots listed in the other scope after its delete").isEmpty();
  }

  void listFiltersByLabels() {
    String a1 = kit.id("group-a");
    String a2 = kit.id("group-a");
    String b1 = kit.id("group-b");
    kit.create(kit.workloads.sleepForever(a1).label("group", "a").label("tier", "gold"));
    kit.create(kit.workloads.sleepForever(a2).label("group", "a"));
    kit.create(kit.workloads.sleepForever(b1).label("group", "b"));
    Runtime runtime = kit.runtime();
    assertThat(ids(runtime.list(BotFilter.builder().label("group", "a").build()))).as("list(group=a)")
        .containsExactlyInAnyOrder(a1, a2);
    assertThat(ids(runtime.list(BotFilter.builder().label("group", "a").label("tier", "gold").build())))
        .as("list(group=a, tier=gold)").containsExactly(a1);
    assertThat(runtime.list(BotFilter.builder().label("group", "c").build())).as("list(group=c)").isEmpty();
    assertThat(ids(runtime.list())).as("list()").containsExactlyInAnyOrder(a1, a2, b1);
  }

  void listFiltersByStates() {
    String running = kit.id("state-run");
    String created = kit.id("state-new");
    kit.createAndStart(kit.workloads.sleepForever(running));
    kit.create(kit.workloads.sleepForever(created));
    Runtime runtime = kit.runtime();
    assertThat(ids(runtime.list(BotFilter.builder().state(BotState.RUNNING).build()))).as("list(RUNNING)")
        .containsExactly(running);
    assertThat(ids(runtime.list(BotFilter.builder().state(BotState.CREATED).build()))).as("list(CREATED)")
        .containsExactly(created);
    assertThat(ids(runtime.list(BotFilter.builder().state(BotState.RUNNING).state(BotState.CREATED).build())))
        .as("list(RUNNING, CREATED)").containsExactlyInAnyOrder(running, created);
    assertThat(runtime.list(BotFilter.builder().state(BotState.FAILED).build())).as("list(FAILED)").isEmpty();
  }

  void listFiltersBySegment() {
    String first = kit.id("segment-1");
    String second = kit.id("segment-2");
    kit.create(kit.workloads.sleepForever(first).label(BotFilter.SEGMENT_LABEL, "s1"));
    kit.create(kit.workloads.sleepForever(second).label(BotFilter.SEGMENT_LABEL, "s2"));
    assertThat(ids(kit.runtime().list(BotFilter.builder().segment("s1").build()))).as("list(segment s1)")
        .containsExactly(first);
  }

  void statusCarriesExactlyTheUserLabels() {
    String id = kit.id("labels");
    kit.create(kit.workloads.sleepForever(id).label("team", "kit").label("example.com/tier", "gold")
        .label(BotFilter.SEGMENT_LABEL, "s7").label(BotFilter.SPEC_HASH_LABEL, "0a1b2c3d4e5f6789"));
    Map<String, String> expected = Map.of("team", "kit", "example.com/tier", "gold", KIT_LABEL, KIT_LABEL_VALUE,
        BotFilter.SEGMENT_LABEL, "s7", BotFilter.SPEC_HASH_LABEL, "0a1b2c3d4e5f6789");
    assertThat(kit.status(id).labels()).as("labels in status() (Berth's own labels are not shown)")
        .isEqualTo(expected);
    assertThat(kit.runtime().list().get(0).labels()).as("labels in list()").isEqualTo(expected);
  }

  void updateOfResourcesKeepsARunningBotRunning() {
    String id = kit.id("update-res");
    kit.createAndStart(kit.workloads.sleepForever(id).label("team", "kit"));
    BotStatus updated = kit.runtime().update(id, BotUpdate.builder()
        .resources(Resources.builder().memory("64m").build()).build());
    assertThat(updated.id()).as("id returned by update").isEqualTo(id);
    assertThat(updated.state()).as("state returned by update of a running bot's resources")
        .isEqualTo(BotState.RUNNING);
    assertThat(kit.status(id).state()).as("state after the update").isEqualTo(BotState.RUNNING);
    assertThat(kit.status(id).labels()).as("labels after the update").containsEntry("team", "kit");
  }

  void updateOfConfigRecreatesTheBotWithTheNewConfig() {
    String id = kit.id("update-config");
    kit.createAndStart(kit.workloads.echoEnvAndConfig(id, StatusChecks.ENV_NAME).config("{\"v\":1}"));
    kit.awaitLogs(id, LogOptions.DEFAULT, "show config v1", t -> StatusChecks.configEchoed(t).equals("{\"v\":1}"));
    BotStatus updated = kit.runtime().update(id, BotUpdate.builder().config("{\"v\":2}").build());
    assertThat(updated.state()).as("state returned by a config update of a running bot (it runs again)")
        .isIn(BotState.RUNNING);
    kit.awaitLogs(id, LogOptions.DEFAULT, "show config v2 (the recreated bot must read the new config)",
        t -> t.stream().anyMatch(line -> line.replaceAll("\\s", "").equals("config={\"v\":2}")));
  }

  void updateOfEnvRecreatesTheBotWithTheNewValue() {
    String id = kit.id("update-env");
    kit.createAndStart(kit.workloads.echoEnvAndConfig(id, StatusChecks.ENV_NAME).env(StatusChecks.ENV_NAME, "v1"));
    kit.awaitLogLine(id, "env=v1");
    kit.runtime().update(id, BotUpdate.builder().env(Map.of(StatusChecks.ENV_NAME, "v2")).build());
    kit.awaitLogLine(id, "env=v2");
    assertThat(kit.status(id).state()).as("state after an env update of a running bot").isEqualTo(BotState.RUNNING);
  }

  void logsAfterARecreatingUpdateShowOnlyTheNewRun() {
    String id = kit.id("update-logs");
    kit.createAndStart(kit.workloads.echoEnvAndConfig(id, StatusChecks.ENV_NAME).env(StatusChecks.ENV_NAME, "v1"));
    kit.awaitLogs(id, LogOptions.DEFAULT, "show the first run's lines", t -> t.stream().anyMatch(l -> l.startsWith("bot-id=")));
    kit.runtime().update(id, BotUpdate.builder().env(Map.of(StatusChecks.ENV_NAME, "v2")).build());
    List<String> lines = texts(kit.awaitLogs(id, LogOptions.DEFAULT, "show the new run's lines up to bot-id=",
        t -> t.contains("env=v2") && t.lastIndexOf("env=v2") < lastIndexOfPrefix(t, "bot-id=")));
    assertThat(lines).as("logs() after an env update recreated the bot: only the new run's lines, as in a new "
        + "container's log").doesNotContain("env=v1").containsOnlyOnce("env=v2");
    assertThat(lines.stream().filter(line -> line.startsWith("bot-id="))).as("bot-id= lines in logs() after the "
        + "recreating update (one per run shown)").hasSize(1);
  }

  private static int lastIndexOfPrefix(List<String> lines, String prefix) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  void updateOfANotRunningBotLeavesItNotRunning() {
    String id = kit.id("update-idle");
    kit.create(kit.workloads.echoEnvAndConfig(id, StatusChecks.ENV_NAME).config("{\"v\":1}"));
    BotStatus updated = kit.runtime().update(id, BotUpdate.builder().config("{\"v\":2}").build());
    assertThat(updated.state()).as("state returned by updating a bot that was never started")
        .isIn(BotState.CREATED, BotState.STOPPED);
    assertThat(kit.status(id).state()).as("state after the update").isIn(BotState.CREATED, BotState.STOPPED);
    kit.runtime().start(id);
    List<String> lines = texts(kit.awaitLogs(id, LogOptions.DEFAULT, "show the config", t -> t.stream()
        .anyMatch(line -> line.startsWith("config="))));
    assertThat(StatusChecks.configEchoed(lines)).as("config seen after update and start").isEqualTo("{\"v\":2}");
  }
}
