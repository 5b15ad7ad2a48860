package dev.berth.runtime.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.ObjectInfo;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.core.LogShipper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The log shipper with real bots, end to end: processes or containers print on both streams while shippers
 * come and go, the store goes down and comes back, and bots stop or exit; every line must be stored once, in
 * order. Subclasses supply the runtime, how a bot runs a shell script, and the store (and how it goes down).
 * These tests live here because this module's tests hold the S3 server.
 */
abstract class ShippingEndToEnd {
  static final Duration WAIT = Duration.ofSeconds(90);
  /** Prints out-i and err-i for i = 1..$1, pausing 0.1 s after every 20 pairs. */
  private static final String PRINT = "i=1; while [ $i -le $1 ]; do echo out-$i; echo err-$i >&2; "
      + "if [ $((i % 20)) -eq 0 ]; then sleep 0.1; fi; i=$((i+1)); done; ";
  private static final String PRINT_THEN_WAIT = "trap 'exit 0' TERM; " + PRINT
      + "while true; do sleep 1000 & wait $!; done";
  private static final String PRINT_THEN_EXIT = PRINT + "exit $2";

  protected final String scope = "ship-" + UUID.randomUUID().toString().substring(0, 8);
  protected Runtime runtime;
  protected OutageStore store;
  private final List<LogShipper> shippers = new ArrayList<>();

  /** The runtime under test, of {@link #scope}. */
  protected abstract Runtime openRuntime() throws Exception;

  /** A bot of the runtime running {@code argv} ({@code sh -c <script> sh <args>}). */
  protected abstract BotSpec.Builder bot(String id, List<String> argv);

  /** The store the logs go to. */
  protected abstract ObjectStore openStore() throws Exception;

  /** Takes the store down; by default every call through {@link #store} fails. */
  protected void storeDown() throws Exception {
    store.down(true);
  }

  /** Brings the store back. */
  protected void storeUp() throws Exception {
    store.down(false);
  }

  /** Releases what {@link #openStore} started. */
  protected void closeStore() throws Exception {}

  @BeforeEach
  void open() throws Exception {
    store = new OutageStore(openStore());
    // the first calls are slow (connections, classes, the bucket): not in a test
    store.put(ObjectStore.LOGS_BUCKET, scope + "/probe", new byte[1], "application/octet-stream");
    store.delete(ObjectStore.LOGS_BUCKET, scope + "/probe");
    runtime = openRuntime();
  }

  @AfterEach
  void close() throws Exception {
    try {
      shippers.forEach(LogShipper::close);
      if (runtime != null) {
        for (BotStatus status : runtime.list()) {
          runtime.delete(status.id());
        }
        runtime.close();
      }
    } finally {
      closeStore();
    }
  }

  private LogShipper shipper(Duration interval) {
    LogShipper shipper = LogShipper.builder(runtime, store).scope(scope).interval(interval)
        .maxBackoff(Duration.ofMillis(400)).build();
    shippers.add(shipper);
    return shipper;
  }

  private void start(String id, String script, String... args) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
    argv.addAll(List.of(args));
    runtime.create(bot(id, argv).build());
    runtime.start(id);
  }

  @Test
  void everyLineOfBothStreamsIsStoredOnceAndInOrderAcrossShipperRestarts() {
    start("ticker", PRINT_THEN_WAIT, "1500");
    AtomicInteger shippersUsed = new AtomicInteger();

    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
      boolean printedAll = printed("ticker") >= 3000; // read first: the shipper after it stores all of them
      try (LogShipper shipper = LogShipper.builder(runtime, store).scope(scope).interval(Duration.ofHours(1))
          .build()) {
        shipper.shipNow(); // and close() ships once more, then the next shipper takes over from the cursor
      }
      shippersUsed.incrementAndGet();
      return printedAll;
    });

    assertShippedOnceInOrder("ticker", 1500);
    assertThat(shippersUsed.get()).as("shippers that took over from one another while the bot printed")
        .isGreaterThan(2);
  }

  @Test
  void aStoreOutageLosesAndDoublesNoLineTheBotsRunOnAndTheShipperBacksOffThenCatchesUp() throws Exception {
    List<String> bots = List.of("steady-1", "steady-2");
    bots.forEach(id -> start(id, PRINT_THEN_WAIT, "1500"));
    shipper(Duration.ofMillis(100));
    await().atMost(WAIT).until(() -> !stored("steady-1").isEmpty());

    storeDown();
    long callsBefore = store.calls();
    long downAt = System.nanoTime();
    int printedBefore = printed("steady-1");
    await().atMost(WAIT).until(() -> printed("steady-1") >= printedBefore + 800);
    long downMillis = (System.nanoTime() - downAt) / 1_000_000;
    long callsDuring = store.calls() - callsBefore;
    assertThat(runtime.list()).extracting(BotStatus::state).containsOnly(BotState.RUNNING);
    storeUp();

    // every 100 ms without backoff; with it 100, 200, then 400 ms apart: at most one call per bot each time
    assertThat(callsDuring).as("store calls in %d ms of outage", downMillis)
        .isLessThanOrEqualTo(bots.size() * (downMillis / 400 + 5));
    await().atMost(WAIT).until(() -> printed("steady-1") >= 3000 && printed("steady-2") >= 3000);
    await().atMost(WAIT).until(() -> bots.stream().allMatch(this::shippedAll));
    bots.forEach(id -> assertShippedOnceInOrder(id, 1500));
  }

  @Test
  void botsThatStopOrExitAreShippedAtOnceNotAnIntervalLater() {
    shipper(Duration.ofHours(1)); // only the bots' ends can make it ship
    start("exits", PRINT_THEN_EXIT, "100", "3");
    start("stops", PRINT_THEN_WAIT, "100");
    await().atMost(WAIT).until(() -> printed("stops") >= 200);

    runtime.stop("stops", Duration.ofSeconds(10));

    await().atMost(WAIT).until(() -> shippedAll("exits") && shippedAll("stops"));
    assertShippedOnceInOrder("exits", 100);
    assertShippedOnceInOrder("stops", 100);
    assertThat(runtime.status("exits").exitCode()).hasValue(3);
  }

  private int printed(String id) {
    return logged(id).size();
  }

  /** Every line the runtime holds for the bot. */
  private List<LogLine> logged(String id) {
    try (Stream<LogLine> lines = runtime.logs(id)) {
      return lines.collect(Collectors.toList());
    }
  }

  private boolean shippedAll(String id) {
    return stored(id).size() == printed(id);
  }

  /** The bot's shipped lines as stored: its chunk objects in sequence order, each line parsed back. */
  private List<LogLine> stored(String id) {
    List<LogLine> lines = new ArrayList<>();
    List<ObjectInfo> chunks = store.list(ObjectStore.LOGS_BUCKET, scope + "/" + id + "/").stream()
        .filter(info -> info.key().endsWith(".log"))
        .sorted(Comparator.comparing(info -> info.key().substring(info.key().lastIndexOf('/'))))
        .collect(Collectors.toList());
    for (ObjectInfo chunk : chunks) {
      String text = new String(store.getBytes(ObjectStore.LOGS_BUCKET, chunk.key()).orElseThrow(),
          StandardCharsets.UTF_8);
      text.lines().forEach(line -> lines.add(StorageLayout.parseLogLine(line).orElseThrow(
          () -> new AssertionError("not a stored log line in " + chunk.key() + ": " + line))));
    }
    return lines;
  }

  /** The stored lines are the runtime's, each once; the numbered lines of each stream are in order. */
  private void assertShippedOnceInOrder(String id, int pairs) {
    List<LogLine> stored = stored(id);
    assertThat(stored).as("the lines of %s, each stored once", id).containsExactlyInAnyOrderElementsOf(logged(id));
    assertThat(texts(stored, LogStream.STDOUT)).as("stdout of %s", id).containsExactlyElementsOf(
        IntStream.rangeClosed(1, pairs).mapToObj(i -> "out-" + i).collect(Collectors.toList()));
    assertThat(texts(stored, LogStream.STDERR)).as("stderr of %s", id).containsExactlyElementsOf(
        IntStream.rangeClosed(1, pairs).mapToObj(i -> "err-" + i).collect(Collectors.toList()));
  }

  /** The numbered lines of one stream; a shell's own words (dash: "Terminated" on a stop) are not numbered. */
  private static List<String> texts(List<LogLine> lines, LogStream stream) {
    return lines.stream().filter(line -> line.stream() == stream && line.text().matches("(out|err)-\\d+"))
        .map(LogLine::text).collect(Collectors.toList());
  }
}
