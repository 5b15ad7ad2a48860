package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.core.ScriptedStore.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A store that fails, for a while or for one object: nothing lost, nothing doubled, bots untouched. */
class LogShipperFailureTest {
  private static final List<String> BOTS = List.of("b1", "b2", "b3", "b4", "b5");

  private final ShipperFixture fixture = new ShipperFixture();
  private final Map<String, List<String>> printed = new HashMap<>();

  @AfterEach
  void closeFixture() {
    fixture.close();
  }

  private void startBots() {
    BOTS.forEach(fixture::bot);
  }

  private void printEverywhere(String... lines) {
    for (String bot : BOTS) {
      for (String line : lines) {
        fixture.print(bot, bot + "-" + line);
        printed.computeIfAbsent(bot, b -> new ArrayList<>()).add(bot + "-" + line);
      }
    }
  }

  private void assertEveryLineShippedOnce() {
    for (String bot : BOTS) {
      assertThat(fixture.shipped(bot)).as(bot).containsExactlyElementsOf(printed.get(bot));
    }
  }

  @Test
  void aStoreOutageStopsThePassAfterAFewCallsAndThePassAfterItCatchesUp() {
    startBots();
    printEverywhere("1", "2");
    LogShipper shipper = fixture.track(fixture.builder().concurrency(1).build());
    fixture.store.down();

    LogShipper.Report during = shipper.shipNow();
    printEverywhere("3");
    LogShipper.Report stillDown = shipper.shipNow();

    assertThat(during.stoppedBy()).hasValueSatisfying(why -> assertThat(why).contains("Simulated outage"));
    assertThat(during.storeCalls()).as("three bots in a row failing is an outage").isEqualTo(3);
    assertThat(during.deferredBots()).isEqualTo(2);
    assertThat(stillDown.storeCalls()).isEqualTo(3);
    assertThat(fixture.runtime.list()).extracting(BotStatus::state).containsOnly(BotState.RUNNING);

    fixture.store.up();
    LogShipper.Report recovered = shipper.shipNow();

    assertThat(recovered.isComplete()).isTrue();
    assertThat(recovered.lines()).isEqualTo(15);
    assertEveryLineShippedOnce();
  }

  @Test
  void aStoreFailingNCallsAtVaryingPointsLosesAndDoublesNoLine() {
    startBots();
    LogShipper shipper = fixture.shipper();
    for (int pass = 1; pass <= 6; pass++) {
      printEverywhere("p" + pass + "a", "p" + pass + "b");
      fixture.store.failNext(Op.PUT, key -> true, pass); // chunks and cursors alike, more each time
      fixture.store.failNext(Op.GET, key -> true, pass % 2);
      shipper.shipNow();
    }

    List<LogShipper.Report> catchingUp = new ArrayList<>();
    do {
      catchingUp.add(shipper.shipNow()); // failures scripted but not yet used come first
    } while (!catchingUp.get(catchingUp.size() - 1).isComplete() && catchingUp.size() < 10);

    assertThat(catchingUp.get(catchingUp.size() - 1).isComplete()).as(catchingUp.toString()).isTrue();
    assertThat(fixture.store.calls(Op.PUT)).as("some writes failed").isGreaterThan(fixture.backing.keys(
        dev.berth.runtime.ObjectStore.LOGS_BUCKET).size());
    assertEveryLineShippedOnce();
  }

  @Test
  void aFailedChunkWriteIsShippedWholeByTheNextPass() {
    startBots();
    printEverywhere("1");
    fixture.store.failNext(Op.PUT, key -> key.startsWith("svc/b2/") && key.endsWith(".log"), 1);
    LogShipper shipper = fixture.shipper();

    LogShipper.Report failed = shipper.shipNow();
    printEverywhere("2");
    shipper.shipNow();

    assertThat(failed.failures()).containsOnlyKeys("b2");
    assertThat(failed.stoppedBy()).as("one object failing is not an outage").isEmpty();
    assertEveryLineShippedOnce();
  }

  @Test
  void whenTheCursorWriteAfterAChunkFailsTheSameShipperWritesTheCursorAndGoesOn() {
    startBots();
    printEverywhere("1", "2");
    fixture.store.failNext(Op.PUT, key -> key.equals("svc/b3/cursor"), 1);
    LogShipper shipper = fixture.shipper();

    LogShipper.Report split = shipper.shipNow();
    printEverywhere("3");
    LogShipper.Report next = shipper.shipNow();

    assertThat(split.failures()).containsOnlyKeys("b3");
    assertThat(next.isComplete()).isTrue();
    assertEveryLineShippedOnce();
    assertThat(fixture.chunks("b3")).extracting(info -> info.key()).containsExactly(
        "svc/b3/2026-12-02/0000000000.log", "svc/b3/2026-12-02/0000000001.log");
  }

  @Test
  void whenTheProcessEndsBetweenAChunkAndItsCursorTheNextShipperReplacesThatChunk() {
    startBots();
    printEverywhere("1", "2");
    ScriptedStore dying = new ScriptedStore(fixture.backing)
        .failNext(Op.PUT, key -> key.equals("svc/b3/cursor"), 1);
    LogShipper first = fixture.track(LogShipper.builder(fixture.runtime, dying).scope(fixture.scope)
        .clock(fixture.clock).interval(Duration.ofHours(1)).build());
    first.shipNow();
    dying.down(); // the process is gone: its shipper never reaches the store again

    printEverywhere("3");
    LogShipper.Report next = fixture.shipper().shipNow();

    assertThat(next.isComplete()).isTrue();
    assertEveryLineShippedOnce();
    assertThat(fixture.chunks("b3")).extracting(info -> info.key()).containsExactly(
        "svc/b3/2026-12-02/0000000000.log");
  }

  @Test
  void scheduledPassesBackOffWhileTheStoreIsDownAndResumeWhenItAnswers() {
    startBots();
    printEverywhere("1");
    Duration interval = Duration.ofHours(1);
    LogShipper shipper = fixture.track(fixture.builder().concurrency(1).maxBackoff(interval.multipliedBy(3))
        .build());
    fixture.store.down();

    List<Boolean> attempted = new ArrayList<>();
    for (int tick = 0; tick < 12; tick++) {
      Optional<LogShipper.Report> report = shipper.tick();
      attempted.add(report.isPresent());
      fixture.clock.advance(interval);
    }
    fixture.store.up();
    List<Optional<LogShipper.Report>> afterwards = new ArrayList<>();
    for (int tick = 0; tick < 3; tick++) {
      afterwards.add(shipper.tick());
      fixture.clock.advance(interval);
    }

    // waits of 1, 2, then 3 (the cap) intervals after each failed attempt
    assertThat(attempted).containsExactly(true, true, false, true, false, false, true, false, false, true, false,
        false);
    assertThat(afterwards.get(0)).as("the first tick after the backoff").hasValueSatisfying(
        report -> assertThat(report.isComplete()).isTrue());
    assertThat(afterwards).allMatch(Optional::isPresent);
    assertEveryLineShippedOnce();
  }
}
