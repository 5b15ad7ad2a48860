package dev.berth.runtime.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.core.ScriptedStore.Op;
import dev.berth.runtime.testkit.MockEngine;
import dev.berth.runtime.testkit.MockObjectStore;
import dev.berth.runtime.testkit.MockRuntime;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Memory stays bounded by the chunk size however long a log is; a pass over 1,000 bots costs known calls. */
class LogShipperScaleTest {
  private static final Logger LOG = LoggerFactory.getLogger(LogShipperScaleTest.class);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final MockRuntime runtime = MockRuntime.builder().engine(new MockEngine(clock)).scope("fleet")
      .recording(false).build();
  private final MockObjectStore backing = new MockObjectStore(clock);
  private final ScriptedStore store = new ScriptedStore(backing);
  private LogShipper shipper;

  @AfterEach
  void close() {
    if (shipper != null) {
      shipper.close();
    }
    runtime.close();
  }

  private LogShipper.Builder builder() {
    return LogShipper.builder(runtime, store).scope("fleet").clock(clock).interval(Duration.ofHours(1));
  }

  private void bot(String id) {
    runtime.create(BotSpec.builder(id).image("registry/bot:1").command("run").build());
    runtime.start(id);
  }

  @Test
  void aMillionLineLogIsShippedInChunksNoLargerThanTheBudget() {
    bot("chatty");
    int total = 1_000_000;
    String[] lines = new String[total];
    for (int i = 0; i < total; i++) {
      lines[i] = tick(i);
    }
    runtime.appendLog("chatty", lines); // one timestamp for all: the cursor counts lines within it
    lines = null;
    long budget = 256 * 1024;
    shipper = builder().memoryBudget(budget).concurrency(1).build();

    LogShipper.Report report = shipper.shipNow();

    long lineBytes = "2026-12-02T10:00:00Z STDOUT tick 0000000 BTC-USD\n".length();
    assertThat(report.lines()).isEqualTo(total);
    assertThat(report.bytes()).isEqualTo(total * lineBytes);
    assertThat(store.largestPut()).as("no chunk exceeds the budget").isLessThanOrEqualTo(budget);
    assertThat(report.chunks()).as("chunks are filled, not one per line").isEqualTo(
        (int) ((total * lineBytes + (budget / lineBytes * lineBytes) - 1) / (budget / lineBytes * lineBytes)));
    assertThat(report.storeCalls()).isEqualTo(1 + 2L * report.chunks());
    assertEveryLineStoredOnceInOrder(total);
    LOG.info("1,000,000 lines ({} MB): {} chunks of at most {} KiB, {} store calls, {} ms", report.bytes() >> 20,
        report.chunks(), budget >> 10, report.storeCalls(), report.took().toMillis());

    shipper.close();
    runtime.appendLog("chatty", "one more");
    shipper = builder().memoryBudget(budget).concurrency(1).build(); // a new process
    LogShipper.Report next = shipper.shipNow();
    assertThat(next.lines()).isEqualTo(1);
  }

  private void assertEveryLineStoredOnceInOrder(int total) {
    int expected = 0;
    List<ObjectInfo> chunks = backing.list(ObjectStore.LOGS_BUCKET, "fleet/chatty/").stream()
        .filter(info -> info.key().endsWith(".log")).toList();
    for (ObjectInfo chunk : chunks) {
      String text = new String(backing.getBytes(ObjectStore.LOGS_BUCKET, chunk.key()).orElseThrow(),
          StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (!line.endsWith(tick(expected))) {
          assertThat(line).as("line " + expected + " in " + chunk.key()).endsWith(tick(expected));
        }
        expected++;
      }
    }
    assertThat(expected).isEqualTo(total);
  }

  /** {@code tick 0000042 BTC-USD}: cheap to make a million times on a busy machine. */
  private static String tick(int i) {
    return "tick " + Integer.toString(10_000_000 + i).substring(1) + " BTC-USD";
  }

  @Test
  void oneShipperShipsAThousandBotsWithTwoWritesPerBotWithNewLinesAndNoneForIdleOnes() {
    int bots = 1000;
    for (int i = 0; i < bots; i++) {
      bot(String.format("bot-%04d", i));
    }
    printEverywhere(bots, 20);
    shipper = builder().build();

    LogShipper.Report first = shipper.shipNow();
    printEverywhere(bots, 5);
    long callsBefore = store.totalCalls();
    LogShipper.Report steady = shipper.shipNow();
    long steadyCalls = store.totalCalls() - callsBefore;
    LogShipper.Report idle = shipper.shipNow();
    long withShipper = usedHeapAfterGc();
    shipper.close();
    shipper = null;
    long shipperFootprint = withShipper - usedHeapAfterGc(); // rough: other test classes share the heap

    assertThat(first.isComplete()).isTrue();
    assertThat(first.lines()).isEqualTo(bots * 20L);
    assertThat(first.storeCalls()).as("a cursor read, a chunk and a cursor per bot").isEqualTo(3L * bots);
    assertThat(steady.lines()).isEqualTo(bots * 5L);
    assertThat(steady.storeCalls()).as("a chunk and a cursor per bot").isEqualTo(2L * bots).isEqualTo(steadyCalls);
    assertThat(store.calls(Op.GET)).as("cursors are read once per shipper").isEqualTo(bots);
    assertThat(idle.storeCalls()).isZero();
    assertThat(idle.lines()).isZero();
    LOG.info("1,000 bots, one shipper (4 workers): first pass {} ms / {} store calls / {} KB; steady pass {} ms / "
        + "{} calls / {} KB; idle pass {} ms / {} calls; heap the shipper "
        + "keeps between passes ~{} KB", first.took().toMillis(), first.storeCalls(), first.bytes() >> 10,
        steady.took().toMillis(), steady.storeCalls(), steady.bytes() >> 10, idle.took().toMillis(),
        idle.storeCalls(), shipperFootprint >> 10);
  }

  private void printEverywhere(int bots, int lines) {
    for (int i = 0; i < bots; i++) {
      clock.advance(Duration.ofMillis(1));
      for (int line = 0; line < lines; line++) {
        runtime.appendLog(String.format("bot-%04d", i), "order " + line + " filled at 97000." + line);
      }
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
