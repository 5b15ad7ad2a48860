package dev.berth.benchmarks;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.ObjectStore;
import dev.berth.runtime.StorageLayout;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.core.LogShipper;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.testkit.MockEngine;
import dev.berth.runtime.testkit.MockRuntime;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One log shipper over 1,000 mock bots writing to a filesystem store: time and store calls per pass, and the
 * heap the shipper keeps. The baseline does the least any shipper must, in the same run, interleaved: per bot
 * one {@code logs(since)} and one object with the new lines (no cursor, no chunking, no restart safety).
 */
final class LogShipperBenchmark {
  private static final int BOTS = 1000;
  private static final int PASSES = 10;
  private static final int LINES_PER_PASS = 5;

  private LogShipperBenchmark() {}

  static void run() throws Exception {
    Path dir = Files.createTempDirectory("berth-bench-shipper");
    MockRuntime runtime = MockRuntime.builder().engine(MockEngine.realTime()).scope("fleet").recording(false)
        .build();
    try {
      ObjectStore store = new FileSystemObjectStore(dir);
      for (int i = 0; i < BOTS; i++) {
        runtime.create(BotSpec.builder(bot(i)).image("registry/bot:1").command("run").build());
        runtime.start(bot(i));
      }
      print(runtime, 20);
      for (int i = 0; i < BOTS; i++) { // whatever the runtime builds on a first read is not the shipper's
        try (Stream<LogLine> lines = runtime.logs(bot(i), LogOptions.DEFAULT)) {
          lines.count();
        }
      }
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long withoutShipper = LocalLifecycleBenchmark.usedHeap(memory);
      Samples shipper = new Samples("LogShipper pass", PASSES);
      Samples baseline = new Samples("logs(since) + 1 PUT per bot", PASSES);
      NaiveShipper naive = new NaiveShipper(runtime, store);
      LogShipper logShipper = LogShipper.builder(runtime, store).scope("fleet").interval(Duration.ofHours(1))
          .build();
      LogShipper.Report first = logShipper.shipNow();
      naive.pass();
      long calls = 0;
      long chunks = 0;
      long bytes = 0;
      for (int pass = 0; pass < PASSES; pass++) {
        print(runtime, LINES_PER_PASS);
        long t0 = System.nanoTime();
        LogShipper.Report report = logShipper.shipNow();
        long t1 = System.nanoTime();
        naive.pass();
        long t2 = System.nanoTime();
        shipper.add(t1 - t0);
        baseline.add(t2 - t1);
        calls += report.storeCalls();
        chunks += report.chunks();
        bytes += report.bytes();
      }
      LogShipper.Report idle = logShipper.shipNow();
      long withShipper = LocalLifecycleBenchmark.usedHeap(memory);
      logShipper.close();
      logShipper = null;
      long withoutIt = LocalLifecycleBenchmark.usedHeap(memory); // the runtime and its logs stay: only the shipper is gone
      System.out.printf(Locale.ROOT, "Log shipper: %d bots, %d new lines per bot per pass, filesystem store%n",
          BOTS, LINES_PER_PASS);
      System.out.println(baseline.percentiles(baseline));
      System.out.println(shipper.percentiles(baseline));
      System.out.printf(Locale.ROOT, "  store calls per pass: %d (%.1f per bot; %d chunk objects), %.0f bytes per "
          + "bot per pass; first pass %d calls in %d ms; idle pass %d calls in %d ms%n", calls / PASSES,
          calls / (double) PASSES / BOTS, chunks / PASSES, bytes / (double) PASSES / BOTS, first.storeCalls(),
          first.took().toMillis(), idle.storeCalls(), idle.took().toMillis());
      System.out.printf(Locale.ROOT, "  heap held by the shipper between passes: %.0f KiB, %.0f bytes per bot "
          + "(used heap after full GCs with it, minus after closing it; %.1f MiB before it was built)%n",
          (withShipper - withoutIt) / 1024.0, (withShipper - withoutIt) / (double) BOTS, withoutShipper / 1048576.0);
    } finally {
      runtime.close();
      Directories.deleteRecursively(dir);
    }
  }

  private static String bot(int i) {
    return String.format(Locale.ROOT, "bot-%04d", i);
  }

  private static void print(MockRuntime runtime, int lines) {
    for (int i = 0; i < BOTS; i++) {
      for (int line = 0; line < lines; line++) {
        runtime.appendLog(bot(i), "order " + line + " filled at 97000." + line + " BTC-USD");
      }
    }
  }

  /** The least a shipper does: each bot's lines since the newest it wrote, as one object. */
  private static final class NaiveShipper {
    private final MockRuntime runtime;
    private final ObjectStore store;
    private final Map<String, Instant> newest = new HashMap<>();
    private long sequence;

    NaiveShipper(MockRuntime runtime, ObjectStore store) {
      this.runtime = runtime;
      this.store = store;
    }

    void pass() {
      sequence++;
      for (int i = 0; i < BOTS; i++) {
        String id = bot(i);
        Instant since = newest.get(id);
        LogOptions options = since == null ? LogOptions.DEFAULT : LogOptions.builder().since(since.plusNanos(1))
            .build();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (Stream<LogLine> lines = runtime.logs(id, options)) {
          lines.forEach(line -> {
            text.writeBytes((StorageLayout.formatLogLine(line) + "\n").getBytes(StandardCharsets.UTF_8));
            newest.put(id, line.timestamp());
          });
        }
        if (text.size() > 0) {
          store.put("naive-logs", id + "/" + sequence + ".log", text.toByteArray(), "text/plain");
        }
      }
    }
  }
}
