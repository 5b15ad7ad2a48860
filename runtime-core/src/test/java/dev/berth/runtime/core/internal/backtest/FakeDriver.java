package dev.berth.runtime.core.internal.backtest;

import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.Health;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An in-memory backend for the engine's tests: one {@link Cluster} plays the engine that several drivers
 * (runners) share, each workload's behaviour is scripted by id, and every driver call is counted.
 */
final class FakeDriver implements BacktestDriver<FakeDriver.Workload> {
  private final Cluster cluster;
  final AtomicInteger stops = new AtomicInteger();
  final List<String> launchesInterrupted = new CopyOnWriteArrayList<>();
  final List<String> launching = new CopyOnWriteArrayList<>();

  FakeDriver(Cluster cluster) {
    this.cluster = cluster;
  }

  /** What a workload does, set before it is submitted. */
  static final class Script {
    List<LogLine> lines = List.of();
    int exitCode;
    String result;
    boolean runUntilStopped;
    boolean blockLaunchUntilInterrupted;
    /** The driver's follow ends (as Docker's may) after this many lines; -1 for never. */
    int followEndsEarlyAfter = -1;
  }

  /** The shared "engine": workloads by id. */
  static final class Cluster {
    final Map<String, Workload> workloads = new ConcurrentHashMap<>();
    final Map<String, Script> scripts = new ConcurrentHashMap<>();

    Script script(String id) {
      return scripts.computeIfAbsent(id, k -> new Script());
    }
  }

  /** One workload of the fake cluster. */
  static final class Workload {
    final String id;
    final Map<String, String> metadata;
    final Script script;
    final CountDownLatch exited = new CountDownLatch(1);
    final Instant startedAt = Instant.now();
    volatile int exitCode;
    volatile boolean stopped;

    Workload(String id, Map<String, String> metadata, Script script) {
      this.id = id;
      this.metadata = Map.copyOf(metadata);
      this.script = script;
      if (!script.runUntilStopped) {
        exitCode = script.exitCode;
        exited.countDown();
      }
    }

    boolean running() {
      return exited.getCount() > 0;
    }

    void exit(int code) {
      exitCode = code;
      exited.countDown();
    }
  }

  @Override
  public String type() {
    return "fake";
  }

  @Override
  public String endpoint() {
    return "memory";
  }

  @Override
  public void validate(BacktestSpec spec) {
  }

  @Override
  public Workload launch(BacktestSpec spec, Map<String, String> metadata) throws InterruptedException {
    Script script = cluster.script(spec.id());
    launching.add(spec.id());
    if (script.blockLaunchUntilInterrupted) {
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        launchesInterrupted.add(spec.id());
        throw e;
      }
    }
    Workload workload = new Workload(spec.id(), metadata, script);
    cluster.workloads.put(spec.id(), workload);
    return workload;
  }

  @Override
  public Exit awaitExit(Workload workload) throws InterruptedException {
    workload.exited.await();
    return new Exit(OptionalInt.of(workload.exitCode), Optional.of(workload.startedAt), Optional.of(Instant.now()),
        false, workload.exitCode == 0 ? "" : "exited with code " + workload.exitCode);
  }

  @Override
  public Optional<String> readResult(Workload workload, String resultPath, long maxBytes) {
    String result = workload.script.result;
    if (result != null && result.length() > maxBytes) {
      throw new ResultTooLargeException(workload.id, resultPath, result.length(), maxBytes);
    }
    return Optional.ofNullable(result);
  }

  @Override
  public Stream<LogLine> logs(Workload workload, LogOptions options) {
    List<LogLine> selected = new ArrayList<>(workload.script.lines.stream().filter(options::accepts).toList());
    if (options.tail() >= 0) {
      selected = selected.subList(Math.max(0, selected.size() - options.tail()), selected.size());
    }
    if (!options.follow()) {
      return selected.stream();
    }
    int early = workload.script.followEndsEarlyAfter;
    Stream<LogLine> delivered = early >= 0 ? selected.stream().limit(early) : selected.stream();
    if (early >= 0) {
      return delivered;
    }
    // a live follow: the lines, then nothing until the workload exits or the stream is closed
    CountDownLatch closed = new CountDownLatch(1);
    return Stream.concat(delivered, Stream.of(workload).flatMap(w -> {
      try {
        while (w.exited.getCount() > 0 && !closed.await(10, TimeUnit.MILLISECONDS)) {
          // waiting, as a real follow does
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Stream.<LogLine>empty();
    })).onClose(closed::countDown);
  }

  @Override
  public void stop(Workload workload, Duration grace) {
    stops.incrementAndGet();
    workload.stopped = true;
    workload.exit(143);
  }

  @Override
  public void remove(Workload workload) {
    workload.exit(137);
    cluster.workloads.remove(workload.id, workload);
  }

  @Override
  public List<Found<Workload>> list() {
    return cluster.workloads.values().stream().map(FakeDriver::found).toList();
  }

  @Override
  public Optional<Found<Workload>> find(String backtestId) {
    return Optional.ofNullable(cluster.workloads.get(backtestId)).map(FakeDriver::found);
  }

  @Override
  public Health health() {
    return Health.healthy("memory");
  }

  @Override
  public void close() {
  }

  private static Found<Workload> found(Workload workload) {
    return new Found<>(workload.id, workload, workload.metadata, workload.running());
  }

  /** Lines {@code line-1}..{@code line-n} on stdout, {@code perTimestamp} of them sharing each timestamp. */
  static List<LogLine> numbered(int n, int perTimestamp, Function<Integer, LogLine> extra) {
    List<LogLine> lines = new ArrayList<>();
    Instant base = Instant.parse("2026-12-01T00:00:00Z");
    for (int i = 1; i <= n; i++) {
      lines.add(LogLine.stdout(base.plusNanos((long) ((i - 1) / perTimestamp) * 1000), "line-" + i));
      LogLine more = extra.apply(i);
      if (more != null) {
        lines.add(more);
      }
    }
    return lines;
  }
}
