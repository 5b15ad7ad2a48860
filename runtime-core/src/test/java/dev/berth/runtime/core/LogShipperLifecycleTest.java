package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.InvalidConfigException;
import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.RuntimeConfig;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.RuntimeUnavailableException;
import dev.berth.runtime.testkit.MockRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper's thread, its close, its settings, and a runtime that does not answer. */
class LogShipperLifecycleTest {
  private final ShipperFixture fixture = new ShipperFixture();
  @TempDir Path tmp;

  @AfterEach
  void closeFixture() {
    fixture.close();
  }

  @Test
  void shipsEveryIntervalOnItsOwnDaemonThreadUntilClosed() throws InterruptedException {
    try (ShipperFixture own = new ShipperFixture("thread-check")) { // threads are named after the scope
      own.bot("alpha");
      own.print("alpha", "a1");
      CountDownLatch shipped = new CountDownLatch(1);
      own.store.afterEveryPut(shipped::countDown);
      LogShipper shipper = own.track(own.builder().interval(Duration.ofMillis(50)).build());

      assertThat(shipped.await(30, TimeUnit.SECONDS)).as("a scheduled pass ran").isTrue();
      assertThat(shipperThreads()).extracting(Thread::getName).contains("berth-log-shipper-thread-check");
      assertThat(shipperThreads()).allMatch(Thread::isDaemon);

      shipper.close();
      for (Thread left : shipperThreads()) {
        left.join(TimeUnit.SECONDS.toMillis(30));
      }

      assertThat(shipperThreads()).isEmpty();
      assertThat(own.shipped("alpha")).containsExactly("a1");
    }
  }

  private static List<Thread> shipperThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("berth-log-shipper-thread-check") && t.isAlive()).toList();
  }

  @Test
  void closeShipsWhatIsPendingLeavesTheBotsAloneAndIsIdempotent() {
    fixture.bot("alpha");
    LogShipper shipper = fixture.shipper();
    shipper.shipNow();
    fixture.print("alpha", "pending");
    fixture.runtime.reset();

    shipper.close();
    long callsAfterClose = fixture.store.totalCalls();
    shipper.close();

    assertThat(fixture.shipped("alpha")).containsExactly("pending");
    assertThat(fixture.store.totalCalls()).isEqualTo(callsAfterClose);
    assertThat(fixture.runtime.calls()).allSatisfy(call -> assertThat(call.is(MockRuntime.Call.LIST) || call.is(MockRuntime.Call.LOGS)).as("%s", call).isTrue());
    assertThat(fixture.runtime.status("alpha").state()).isEqualTo(BotState.RUNNING);
    assertThatThrownBy(shipper::shipNow).isInstanceOf(RuntimeOperationException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aRuntimeThatCannotListItsBotsStopsThePassAndTheBotsAreShippedWhenItAnswers() {
    fixture.bot("alpha");
    fixture.print("alpha", "a1");
    LogShipper shipper = fixture.shipper();
    fixture.runtime.simulateEngineDown("dockerd restarting");

    LogShipper.Report down = shipper.shipNow();
    fixture.runtime.simulateEngineUp();
    LogShipper.Report up = shipper.shipNow();

    assertThat(down.stoppedBy()).hasValueSatisfying(why -> assertThat(why).contains("listing the bots",
        "dockerd restarting"));
    assertThat(down.storeCalls()).isZero();
    assertThat(up.isComplete()).isTrue();
    assertThat(fixture.shipped("alpha")).containsExactly("a1");
  }

  @Test
  void aRuntimeThatStopsAnsweringMidPassEndsThePassAtTheFirstBot() {
    for (String id : List.of("b1", "b2", "b3", "b4")) {
      fixture.bot(id);
      fixture.print(id, id + "-1");
    }
    LogShipper shipper = fixture.track(fixture.builder().concurrency(1).build());
    fixture.runtime.reset().failNext(MockRuntime.Call.LOGS, 4, () -> new RuntimeUnavailableException("engine gone"));

    LogShipper.Report report = shipper.shipNow();

    assertThat(report.stoppedBy()).hasValueSatisfying(why -> assertThat(why).contains("engine gone"));
    assertThat(report.deferredBots()).isEqualTo(3);
    assertThat(fixture.runtime.calls(MockRuntime.Call.LOGS)).hasSize(1);
  }

  @Test
  void rejectsEveryBadSettingAtOnce() {
    LogShipper.Builder builder = fixture.builder().interval(Duration.ZERO).concurrency(0)
        .maxBackoff(Duration.ofSeconds(-1));

    assertThatThrownBy(builder::build).isInstanceOf(InvalidSpecException.class)
        .satisfies(e -> assertThat(((InvalidSpecException) e).violations()).hasSize(3))
        .hasMessageContaining("interval: PT0S is not positive")
        .hasMessageContaining("concurrency: 0")
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> fixture.builder().memoryBudget(1024).build())
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("memoryBudget: 1024 bytes for 4 workers");
    assertThatThrownBy(() -> fixture.builder().scope("Not A Scope").build())
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("scope");
    assertThatThrownBy(() -> LogShipper.builder(fixture.runtime, fixture.store)
        .config(RuntimeConfig.of(Map.of("store.ship-interval", "soon"))).build())
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("store.ship-interval");
  }

  @Test
  void fromConfigShipsToTheConfiguredFileSystemStoreOrSaysThatNothingIsShipped() throws java.io.IOException {
    fixture.bot("alpha");
    fixture.print("alpha", "on disk");

    Optional<LogShipper> none = LogShipper.fromConfig(fixture.runtime, RuntimeConfig.of(Map.of("scope", "svc",
        "store.type", "none")));
    LogShipper shipper = fixture.track(LogShipper.fromConfig(fixture.runtime, RuntimeConfig.of(Map.of(
        "scope", "svc", "store.type", "filesystem", "store.root", tmp.toString()))).orElseThrow());
    shipper.shipNow();

    assertThat(none).isEmpty();
    assertThat(tmp.resolve("bot-logs/svc/alpha/cursor")).isRegularFile();
    assertThat(Files.readString(tmp.resolve("bot-logs/svc/alpha/2026-12-02/0000000000.log")))
        .endsWith(" STDOUT on disk\n");
    assertThat(fixture.runtime.list()).extracting(BotStatus::state).containsOnly(BotState.RUNNING);
  }
}
