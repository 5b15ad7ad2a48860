package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotState;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.testkit.MockRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What reaches the store, pass after pass and shipper after shipper. */
class LogShipperTest {
  private final ShipperFixture fixture = new ShipperFixture();

  @AfterEach
  void closeFixture() {
    fixture.close();
  }

  @Test
  void shipsOnlyTheNewLinesOfEachPass() {
    fixture.bot("alpha");
    fixture.bot("beta");
    LogShipper shipper = fixture.shipper();
    fixture.print("alpha", "a1", "a2", "a3");
    fixture.print("beta", "b1");

    LogShipper.Report first = shipper.shipNow();
    fixture.print("alpha", "a4", "a5");
    LogShipper.Report second = shipper.shipNow();
    LogShipper.Report third = shipper.shipNow();

    assertThat(fixture.shipped("alpha")).containsExactly("a1", "a2", "a3", "a4", "a5");
    assertThat(fixture.shipped("beta")).containsExactly("b1");
    assertThat(first.lines()).isEqualTo(4);
    assertThat(first.botsShipped()).isEqualTo(2);
    assertThat(second.lines()).isEqualTo(2);
    assertThat(second.chunks()).isEqualTo(1);
    assertThat(second.storeCalls()).as("one chunk and one cursor").isEqualTo(2);
    assertThat(third.lines()).isZero();
    assertThat(third.storeCalls()).as("nothing new costs no store call").isZero();
    assertThat(List.of(first, second, third)).allMatch(LogShipper.Report::isComplete);
  }

  @Test
  void writesEachLineWithItsTimestampAndStreamInTheDocumentedLayout() {
    fixture.bot("alpha");
    fixture.clock.set(Instant.parse("2026-12-02T10:15:30.123456789Z"));
    fixture.runtime.appendLog("alpha", LogStream.STDERR, "oops: a b");
    fixture.shipper().shipNow();

    assertThat(fixture.backing.keys(ObjectStore.LOGS_BUCKET))
        .containsExactly("svc/alpha/2026-12-02/0000000000.log", "svc/alpha/cursor");
    assertThat(fixture.storedLines("alpha")).containsExactly("2026-12-02T10:15:30.123456789Z STDERR oops: a b");
    assertThat(new String(fixture.backing.getBytes(ObjectStore.LOGS_BUCKET, "svc/alpha/cursor").orElseThrow(),
        StandardCharsets.UTF_8)).isEqualTo("stderr=2026-12-02T10:15:30.123456789Z 1\nnext-chunk=1\n");
    assertThat(StorageLayout.parseLogLine(fixture.storedLines("alpha").get(0))).contains(
        LogLine.stderr(Instant.parse("2026-12-02T10:15:30.123456789Z"), "oops: a b"));
  }

  @Test
  void aNewShipperResumesFromTheStoredCursorWithoutLosingOrRepeatingALine() {
    fixture.bot("alpha");
    fixture.print("alpha", "1", "2");
    LogShipper first = fixture.shipper();
    first.shipNow();
    fixture.print("alpha", "3");
    first.close(); // ships "3" on the way out
    fixture.print("alpha", "4", "5");

    LogShipper second = fixture.shipper(); // a new process: nothing but the store to go by
    LogShipper.Report report = second.shipNow();

    assertThat(fixture.shipped("alpha")).containsExactly("1", "2", "3", "4", "5");
    assertThat(report.lines()).isEqualTo(2);
    assertThat(fixture.chunks("alpha")).hasSize(3);
  }

  @Test
  void linesSharingOneTimestampAreShippedOnceEachAcrossPassesAndShippers() {
    fixture.bot("alpha");
    fixture.runtime.appendLog("alpha", "same-1", "same-2", "same-3"); // the clock stands still: one timestamp
    LogShipper first = fixture.shipper();
    first.shipNow();
    fixture.runtime.appendLog("alpha", LogStream.STDERR, "same-4");
    first.shipNow();
    first.close();
    fixture.runtime.appendLog("alpha", "same-5", "same-6");

    fixture.shipper().shipNow();

    assertThat(fixture.shipped("alpha")).containsExactly("same-1", "same-2", "same-3", "same-4", "same-5", "same-6");
    assertThat(fixture.storedLines("alpha")).extracting(line -> line.split(" ")[0]).containsOnly(
        fixture.clock.instant().toString());
  }

  @Test
  void aLineOfOneStreamArrivingAfterANewerLineOfTheOtherIsShippedOnceEvenByANewShipper() {
    fixture.bot("alpha");
    Instant start = fixture.clock.instant();
    printAt(start, LogStream.STDERR, "err-1");
    printAt(start.plusMillis(5), LogStream.STDOUT, "out-1");
    LogShipper first = fixture.shipper();
    first.shipNow();
    first.close();
    // stderr is stamped as it is read: its next line, stamped before out-1, reaches the log after it
    printAt(start.plusMillis(3), LogStream.STDERR, "err-2");
    printAt(start.plusMillis(6), LogStream.STDOUT, "out-2");

    LogShipper second = fixture.shipper();
    second.shipNow();
    second.shipNow();

    assertThat(fixture.shipped("alpha")).containsExactly("err-1", "out-1", "err-2", "out-2");
  }

  private void printAt(Instant at, LogStream stream, String text) {
    fixture.clock.set(at);
    fixture.runtime.appendLog("alpha", stream, text);
  }

  @Test
  void aBotThatStopsOrExitsIsShippedThenNotAnIntervalLater() {
    List.of("stopped", "exited", "failed", "running").forEach(fixture::bot);
    fixture.shipper(); // its interval is an hour: only the bots' ends can make it ship
    List.of("stopped", "exited", "failed", "running").forEach(id -> fixture.print(id, id + "-1", id + "-2"));

    fixture.runtime.stop("stopped");
    fixture.runtime.crash("exited", 0);
    fixture.runtime.crash("failed", 3);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(fixture.shipped("stopped")).containsExactly("stopped-1", "stopped-2");
      assertThat(fixture.shipped("exited")).containsExactly("exited-1", "exited-2");
      assertThat(fixture.shipped("failed")).containsExactly("failed-1", "failed-2");
    });
    assertThat(fixture.shipped("running")).as("a running bot waits for the interval").isEmpty();
  }

  @Test
  void aDeletedBotIsForgottenAndItsShippedLinesStay() {
    fixture.bot("alpha");
    fixture.bot("beta");
    fixture.print("alpha", "a1");
    fixture.print("beta", "b1");
    LogShipper shipper = fixture.shipper();
    shipper.shipNow();

    fixture.runtime.delete("beta");
    fixture.print("alpha", "a2");
    LogShipper.Report report = shipper.shipNow();

    assertThat(report.forgottenBots()).isEqualTo(1);
    assertThat(report.bots()).isEqualTo(1);
    assertThat(report.isComplete()).isTrue();
    assertThat(fixture.shipped("beta")).containsExactly("b1");
    assertThat(fixture.shipped("alpha")).containsExactly("a1", "a2");
  }

  @Test
  void aBotDeletedWhileItsLogIsReadIsNotAFailure() {
    fixture.bot("alpha");
    fixture.print("alpha", "a1");
    fixture.runtime.onCall(MockRuntime.Call.LOGS, (id, options) ->
        fixture.engine.removeBehindTheRuntimesBack(fixture.scope, id));

    LogShipper.Report report = fixture.shipper().shipNow();

    assertThat(report.bots()).isEqualTo(1);
    assertThat(report.failures()).isEmpty();
    assertThat(report.isComplete()).isTrue();
  }

  @Test
  void aRestartedBotIsShippedOnFromItsCursor() {
    fixture.bot("alpha");
    fixture.print("alpha", "before");
    LogShipper shipper = fixture.shipper();
    shipper.shipNow();

    fixture.runtime.restart("alpha");
    fixture.print("alpha", "after");
    shipper.shipNow();
    fixture.runtime.crash("alpha", 1); // restart policy "never": it stays FAILED
    fixture.print("alpha", "last words");
    shipper.shipNow();

    assertThat(fixture.runtime.status("alpha").state()).isEqualTo(BotState.FAILED);
    assertThat(fixture.shipped("alpha")).containsExactly("before", "after", "last words");
  }

  @Test
  void aStoppedBotIsNotReadAgainOnceANewReadFoundNothing() {
    fixture.bot("alpha");
    fixture.print("alpha", "a1");
    fixture.runtime.stop("alpha");
    LogShipper shipper = fixture.shipper();
    shipper.shipNow();
    shipper.shipNow(); // nothing new since it stopped: from now on it is quiet

    fixture.runtime.reset();
    shipper.shipNow();
    assertThat(fixture.runtime.calls(MockRuntime.Call.LOGS)).isEmpty();

    fixture.runtime.start("alpha");
    fixture.print("alpha", "a2");
    shipper.shipNow();
    assertThat(fixture.shipped("alpha")).containsExactly("a1", "a2");
  }

  @Test
  void oneBotsFailureDoesNotStopTheOthersAndIsRetriedNextPass() {
    fixture.bot("alpha");
    fixture.bot("beta");
    fixture.print("alpha", "a1");
    fixture.print("beta", "b1");
    fixture.runtime.failNext(MockRuntime.Call.LOGS, 1, new RuntimeOperationException("log endpoint hiccup"));
    LogShipper shipper = fixture.shipper();

    LogShipper.Report report = shipper.shipNow();

    assertThat(report.failures()).hasSize(1).allSatisfy((id, reason) -> assertThat(reason).contains(
        "log endpoint hiccup"));
    assertThat(report.botsShipped()).isEqualTo(1);
    assertThat(shipper.shipNow().isComplete()).isTrue();
    assertThat(fixture.shipped("alpha")).containsExactly("a1");
    assertThat(fixture.shipped("beta")).containsExactly("b1");
  }

  @Test
  void anUnreadableCursorFailsOnlyItsBotAndNamesTheObject() {
    fixture.bot("alpha");
    fixture.bot("beta");
    fixture.print("alpha", "a1");
    fixture.print("beta", "b1");
    fixture.backing.put(ObjectStore.LOGS_BUCKET, "svc/alpha/cursor", "garbage".getBytes(StandardCharsets.UTF_8),
        "text/plain");

    LogShipper.Report report = fixture.shipper().shipNow();

    assertThat(report.failures()).containsOnlyKeys("alpha");
    assertThat(report.failures().get("alpha")).contains("bot-logs/svc/alpha/cursor", "Delete it");
    assertThat(report.stoppedBy()).isEmpty();
    assertThat(fixture.shipped("beta")).containsExactly("b1");
  }

  @Test
  void aChunkNeverSpansMidnightSoEachDayFolderHoldsThatDaysLines() {
    fixture.bot("alpha");
    fixture.clock.set(Instant.parse("2026-12-02T23:59:59.999Z"));
    fixture.runtime.appendLog("alpha", "late");
    fixture.clock.advance(Duration.ofMillis(2));
    fixture.runtime.appendLog("alpha", "early");

    fixture.shipper().shipNow();

    assertThat(fixture.chunks("alpha")).extracting(info -> info.key()).containsExactly(
        "svc/alpha/2026-12-02/0000000000.log", "svc/alpha/2026-12-03/0000000001.log");
    assertThat(fixture.shipped("alpha")).containsExactly("late", "early");
  }

  @Test
  void usesTheConfiguredBucketAndScope() {
    fixture.bot("alpha");
    fixture.print("alpha", "a1");
    LogShipper shipper = fixture.track(LogShipper.builder(fixture.runtime, fixture.store)
        .config(dev.berth.runtime.RuntimeConfig.of(java.util.Map.of("scope", "svc", "store.logs-bucket",
            "team-logs", "store.ship-interval", "2m"))).build());

    shipper.shipNow();

    assertThat(shipper.scope()).isEqualTo("svc");
    assertThat(shipper.interval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(fixture.backing.keys("team-logs")).contains("svc/alpha/cursor");
  }
}
