package dev.berth.benchmarks.micro;

import dev.berth.runtime.BotFilter;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotState;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogStream;
import dev.berth.runtime.core.internal.BotSpecCodec;
import dev.berth.runtime.core.internal.LogCursor;
import dev.berth.runtime.MicroData;
import dev.berth.runtime.testkit.MockRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Label filtering, the log cursor, the spec's text form and {@link MockRuntime} operations: the per-bot work
 * of a fleet pass, a log shipper and a test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FleetMicroBenchmark {
  static final int BOTS = 1000;
  private final List<BotStatus> statuses = new ArrayList<>();
  private final BotFilter filter = BotFilter.builder().label("team", "alpha").label("tier", "gold").build();
  private final Map<String, String> wanted = Map.of("team", "alpha", "tier", "gold");
  private final List<LogLine> lines = new ArrayList<>();
  private final BotSpec spec = MicroData.spec("grid-7");
  private final String specText = BotSpecCodec.toText(spec);
  private MockRuntime mock;
  private long cycle;

  @Setup(Level.Trial)
  public void setUp() {
    for (int i = 0; i < BOTS; i++) {
      statuses.add(BotStatus.builder("bot-" + i, i % 3 == 0 ? BotState.STOPPED : BotState.RUNNING)
          .labels(Map.of("team", i % 2 == 0 ? "alpha" : "beta", "tier", i % 5 == 0 ? "gold" : "silver",
              "region", "eu")).build());
    }
    Instant at = Instant.parse("2026-12-02T09:00:00Z");
    for (int i = 0; i < 100; i++) {
      lines.add(new LogLine(at.plusMillis(i / 3), i % 4 == 0 ? LogStream.STDERR : LogStream.STDOUT, "line " + i));
    }
    mock = MockRuntime.builder().recording(false).build();
    for (int i = 0; i < BOTS; i++) {
      mock.create(BotSpec.builder("idle-" + i).image("bot:1").command("run").label("team", "alpha").build());
      mock.start("idle-" + i);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mock.close();
  }

  /** {@link BotFilter#matches} over 1,000 statuses with two labels wanted. */
  @Benchmark
  public int berthLabelFilter() {
    int matched = 0;
    for (BotStatus status : statuses) {
      if (filter.matches(status)) {
        matched++;
      }
    }
    return matched;
  }

  /** Baseline: {@code labels().entrySet().containsAll} over the same statuses. */
  @Benchmark
  public int mapContainsAllFilter() {
    int matched = 0;
    for (BotStatus status : statuses) {
      if (status.labels().entrySet().containsAll(wanted.entrySet())) {
        matched++;
      }
    }
    return matched;
  }

  /** A {@link LogCursor} advanced over 100 lines, then asked where to resume. */
  @Benchmark
  public Object logCursor100Lines() {
    LogCursor cursor = new LogCursor();
    for (LogLine line : lines) {
      cursor.delivered(line);
    }
    return cursor.resumeFrom();
  }

  /** A spec written as the text Berth stores it in, and read back (validated again). */
  @Benchmark
  public BotSpec specTextRoundTrip() {
    return BotSpecCodec.fromText(BotSpecCodec.toText(spec));
  }

  /** A spec read back from its stored text. */
  @Benchmark
  public BotSpec specTextRead() {
    return BotSpecCodec.fromText(specText);
  }

  /** {@link MockRuntime}: create, start, status, stop and delete of one bot among 1,000. */
  @Benchmark
  public BotStatus mockLifecycle() {
    String id = "cycle-" + (cycle++);
    mock.create(BotSpec.builder(id).image("bot:1").command("run").build());
    mock.start(id);
    BotStatus status = mock.status(id);
    mock.stop(id, Duration.ZERO);
    mock.delete(id);
    return status;
  }

  /** {@link MockRuntime#list} of 1,000 running bots. */
  @Benchmark
  public int mockList1000() {
    return mock.list().size();
  }
}
