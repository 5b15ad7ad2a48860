package dev.berth.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.EventManager;
import dev.berth.runtime.EventManager.BotEvent;
import dev.berth.runtime.EventManager.EventType;
import dev.berth.runtime.ExecManager;
import dev.berth.runtime.Feature;
import dev.berth.runtime.Health;
import dev.berth.runtime.ImageManager;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.ScheduleManager;
import dev.berth.runtime.SidecarManager;
import dev.berth.runtime.StatsManager;
import dev.berth.runtime.UnsupportedFeatureException;
import dev.berth.runtime.NetworkMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Health, host address, capabilities, and the optional feature managers. */
final class BackendChecks {
  static final List<Class<? extends Feature>> FEATURES = List.of(NetworkManager.class, SidecarManager.class,
      ImageManager.class, ExecManager.class, StatsManager.class, EventManager.class, ScheduleManager.class);

  private final RuntimeKitSession kit;

  BackendChecks(RuntimeKitSession kit) {
    this.kit = kit;
  }

  void healthIsHealthy() {
    Health health = kit.runtime().health();
    assertThat(health.healthy()).as("health() of the runtime under test: %s", health.message()).isTrue();
    assertThat(health.message()).as("health message").isNotBlank();
  }

  void hostAddressIsNotBlank() {
    assertThat(kit.runtime().hostAddress()).as("hostAddress()").isNotBlank();
  }

  void typeIsALowerCaseName() {
    assertThat(kit.runtime().type()).as("type()").matches("[a-z][a-z0-9-]*");
  }

  void capabilitiesAreReported() {
    Capabilities capabilities = kit.runtime().capabilities();
    assertThat(capabilities).as("capabilities()").isNotNull();
    assertThat(capabilities.networkModes()).as("network modes").contains(NetworkMode.Kind.DEFAULT);
    assertThat(capabilities.restartPolicies()).as("restart policies").contains(RestartPolicy.Kind.NEVER);
  }

  void requireThrowsForMissingFeatures() {
    Runtime runtime = kit.runtime();
    for (Class<? extends Feature> type : FEATURES) {
      Optional<? extends Feature> feature = runtime.feature(type);
      assertThat(feature).as("feature(%s) must not return null", type.getSimpleName()).isNotNull();
      if (feature.isEmpty()) {
        assertThatThrownBy(() -> runtime.require(type)).as("require(%s) of a missing feature", type.getSimpleName())
            .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining(type.getSimpleName());
      } else {
        assertThat(runtime.require(type)).as("require(%s) of an offered feature", type.getSimpleName()).isNotNull();
      }
    }
  }

  private <F extends Feature> F feature(Class<F> type) {
    Optional<F> feature = kit.runtime().feature(type);
    assumeTrue(feature.isPresent(), "the backend does not offer " + type.getSimpleName());
    return feature.get();
  }

  void execRunsACommandInTheBot() {
    ExecManager exec = feature(ExecManager.class);
    String id = kit.id("exec");
    kit.createAndStart(kit.workloads.sleepForever(id));
    ExecManager.ExecResult result = exec.exec(id, List.of("echo", "tck-exec"), kit.timeouts.await());
    assertThat(result.exitCode()).as("exit code of 'echo tck-exec' (stderr: %s)", result.stderr()).isZero();
    assertThat(result.stdout()).as("stdout of 'echo tck-exec'").contains("tck-exec");
    assertThatThrownBy(() -> exec.exec(kit.id("unknown"), List.of("true"), kit.timeouts.await()))
        .as("exec in an unknown bot").isInstanceOf(BotNotFoundException.class);
  }

  void statsReportUsageOfARunningBot() {
    StatsManager stats = feature(StatsManager.class);
    String id = kit.id("stats");
    kit.createAndStart(kit.workloads.sleepForever(id));
    assertThat(stats.stats(id).botId()).as("botId of the stats").isEqualTo(id);
    assertThatThrownBy(() -> stats.stats(kit.id("unknown"))).as("stats of an unknown bot")
        .isInstanceOf(BotNotFoundException.class);
  }

  void eventsReportLifecycleChanges() {
    EventManager events = feature(EventManager.class);
    String id = kit.id("events");
    List<BotEvent> received = Collections.synchronizedList(new ArrayList<>());
    EventManager.Subscription subscription = events.subscribe(BotFilter.builder().label("tck-events", id).build(),
        received::add);
    try {
      kit.createAndStart(kit.workloads.sleepForever(id).label("tck-events", id));
      kit.runtime().stop(id, kit.timeouts.quickStopGrace());
      Await.until(kit.timeouts, "STARTED and a STOPPED or EXITED event of '" + id + "'", () -> types(received, id),
          types -> types.contains(EventType.STARTED)
              && (types.contains(EventType.STOPPED) || types.contains(EventType.EXITED)));
    } finally {
      subscription.close();
    }
    assertThat(kit.status(id).state()).isEqualTo(BotState.STOPPED);
  }

  private static List<EventType> types(List<BotEvent> events, String id) {
    synchronized (events) {
      return events.stream().filter(e -> e.botId().equals(id)).map(BotEvent::type).collect(Collectors.toList());
    }
  }

  void networksCanBeCreatedListedAndRemoved() {
    NetworkManager networks = feature(NetworkManager.class);
    String name = kit.id("tck-net");
    try {
      assertThat(networks.create(name, Map.of("tck", "conformance")).name()).as("name of the new network")
          .isEqualTo(name);
      assertThat(networks.list()).extracting(NetworkManager.Network::name).as("networks listed").contains(name);
    } finally {
      networks.remove(name);
    }
    assertThat(networks.list()).extracting(NetworkManager.Network::name).as("networks after remove")
        .doesNotContain(name);
  }

  void schedulesCanBeCreatedListedAndRemoved() {
    ScheduleManager schedules = feature(ScheduleManager.class);
    String scheduleId = kit.id("schedule");
    try {
      assertThat(schedules.schedule(scheduleId, "0 6 * * 1-5", kit.bot(kit.workloads.exitWith(kit.id("run"), 0)))
          .id()).as("id of the new schedule").isEqualTo(scheduleId);
      assertThat(schedules.list()).extracting(ScheduleManager.Schedule::id).as("schedules listed")
          .contains(scheduleId);
    } finally {
      schedules.unschedule(scheduleId);
    }
    assertThat(schedules.list()).extracting(ScheduleManager.Schedule::id).as("schedules after unschedule")
        .doesNotContain(scheduleId);
    schedules.unschedule(scheduleId);
  }

  void memoryLimitIsEnforced() {
    Capabilities capabilities = kit.runtime().capabilities();
    assumeTrue(capabilities.enforcesMemoryLimit() && capabilities.detectsOomKill(), "the backend does not enforce "
        + "memory limits or detect OOM kills here (capabilities: enforcesMemoryLimit="
        + capabilities.enforcesMemoryLimit() + ", detectsOomKill=" + capabilities.detectsOomKill() + ")");
    String id = kit.id("oom");
    long limit = 32L * 1024 * 1024;
    kit.createAndStart(kit.workloads.exceedMemory(id, limit).resources(Resources.builder().memoryBytes(limit).build()));
    BotStatus status = kit.awaitState(id, BotState.FAILED, BotState.STOPPED);
    assertThat(status.state()).as("state of a bot that allocated far beyond its 32 MiB memory limit (message: %s)",
        status.message()).isEqualTo(BotState.FAILED);
    assertThat(status.exitCode()).as("exit code of the OOM-killed bot (message: %s)", status.message()).hasValue(137);
    assertThat(status.oomKilled()).as("oomKilled of the OOM-killed bot (message: %s)", status.message()).isTrue();
    assertThat(status.message()).as("message of a bot whose limit is enforced").doesNotContain("not enforced");
  }

  void aWorkloadRemovedBehindTheRuntimesBackIsReportedAtOnce() {
    String id = kit.id("removed");
    kit.createAndStart(kit.workloads.sleepForever(id));
    assumeTrue(kit.removeOutOfBand(kit.scope, id),
        "the backend's kit does not implement removeBehindTheRuntimesBack(scope, id)");
    try {
      assertThat(kit.status(id).state()).as("state of a bot whose workload was removed behind the runtime's back")
          .isEqualTo(BotState.FAILED);
    } catch (BotNotFoundException e) {
      // Reported as not found: also allowed.
    }
    kit.runtime().delete(id);
    assertThat(kit.runtime().list()).as("bots listed after deleting the removed bot").isEmpty();
  }
}
