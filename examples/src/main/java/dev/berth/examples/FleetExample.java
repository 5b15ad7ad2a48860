package dev.berth.examples;

import dev.berth.runtime.BotStatus;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.core.fleet.ReconcileListener;
import dev.berth.runtime.core.fleet.ReconcileReport;
import dev.berth.runtime.core.fleet.Reconciler;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.local.LocalRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fleet example: a desired set of bots in a JSON file, and a {@link Reconciler} keeping the local runtime's
 * bots as the file says. It shows the first pass creating the fleet, a pass with nothing to do, an edit of one
 * bot's config recreating that bot, a bot killed behind the runtime's back coming back on its own, a broken
 * edit deleting nothing, and a removed entry deleting its bot; the report of every pass is printed. Everything
 * lives in a temporary directory it removes at the end.
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Pfleet
 * </pre>
 */
public final class FleetExample {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String FLEET = """
      [
        {"id": "momentum-btc", "config": {"symbol": "BTC-USD", "startPrice": 64000, "intervalMs": 300}},
        {"id": "meanrev-eth",  "config": {"symbol": "ETH-USD", "startPrice": 3200,  "intervalMs": 400}},
        {"id": "breakout-sol", "config": {"symbol": "SOL-USD", "startPrice": 150,   "intervalMs": 500}}
      ]
      """;

  private final PrintStream out;
  private final long started = System.nanoTime();
  private final BlockingQueue<ReconcileReport> ownPasses = new LinkedBlockingQueue<>();

  FleetExample(PrintStream out) {
    this.out = out;
  }

  /** Runs the example, printing to standard output. */
  public static void main(String[] args) {
    new FleetExample(System.out).run();
  }

  /** Runs the tour; every bot it creates is deleted, also when a step fails. */
  void run() {
    Path home;
    try {
      home = Files.createTempDirectory("berth-fleet-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path bundle = Quickstart.copyBundle(home.resolve("bundle"));
      Path file = home.resolve("fleet.json");
      write(file, FLEET);
      try (LocalRuntime runtime = LocalRuntime.builder().stateDir(home.resolve("state")).scope("fleet")
          .stopGrace(Duration.ofSeconds(5)).build()) {
        try (Reconciler reconciler = Reconciler.builder(runtime, () -> FleetFile.read(file, bundle))
            .listener(new ReconcileListener() {
              @Override
              public void passFinished(ReconcileReport report) {
                if (report.trigger() != ReconcileReport.Trigger.DEMAND) {
                  ownPasses.add(report);
                }
              }
            }).build()) {
          tour(runtime, reconciler, file);
        } finally {
          for (BotStatus status : runtime.list()) {
            runtime.delete(status.id());
          }
        }
      }
    } finally {
      Directories.deleteRecursively(home);
      out.printf(Locale.ROOT, "Cleaned up %s. Done in %.1f s.%n", home, seconds());
    }
  }

  private void tour(LocalRuntime runtime, Reconciler reconciler, Path file) {
    step(1, "The desired fleet, " + file + ":");
    FLEET.lines().forEach(line -> out.println("      " + line));

    step(2, "Starting the reconciler: a first pass at once, then every " + reconciler.interval().toSeconds()
        + " s and whenever a bot exits");
    reconciler.start();
    print(awaitOwnPass(report -> !report.created().isEmpty()));
    awaitTicks(runtime, List.of("momentum-btc", "meanrev-eth", "breakout-sol"));
    table(runtime);

    step(3, "A pass on demand with nothing changed");
    print(reconciler.reconcileNow());

    step(4, "Editing fleet.json: meanrev-eth ticks every 200 ms instead of 400 ms");
    String edited = FLEET.replace("\"intervalMs\": 400", "\"intervalMs\": 200");
    write(file, edited);
    print(reconciler.reconcileNow());
    awaitTicks(runtime, List.of("meanrev-eth"));
    table(runtime);

    BotStatus victim = runtime.status("breakout-sol");
    long pid = Long.parseLong(victim.runtimeId().substring("pid:".length()));
    step(5, "Killing breakout-sol's processes (SIGKILL, under " + victim.runtimeId()
        + ") behind the runtime's back");
    ProcessHandle.of(pid).ifPresent(wrapper -> wrapper.descendants().forEach(ProcessHandle::destroyForcibly));
    print(awaitOwnPass(report -> report.restarted().contains("breakout-sol")));
    awaitTicks(runtime, List.of("breakout-sol"));
    table(runtime);

    step(6, "A broken edit of fleet.json (a missing bracket): the pass stops and deletes nothing");
    write(file, edited.substring(0, edited.lastIndexOf(']')));
    print(reconciler.reconcileNow());

    step(7, "Removing momentum-btc from fleet.json");
    write(file, edited.lines().filter(line -> !line.contains("momentum-btc"))
        .collect(java.util.stream.Collectors.joining("\n", "", "\n")));
    print(reconciler.reconcileNow());
    table(runtime);
  }

  private ReconcileReport awaitOwnPass(java.util.function.Predicate<ReconcileReport> wanted) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        ReconcileReport report = ownPasses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (report != null && wanted.test(report)) {
          return report;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("The reconciler did not run the expected pass within " + WAIT.toSeconds()
        + " s; its last report: " + ownPasses);
  }

  /** Waits until each bot has printed a tick since its current run began (the JDK compiles on start). */
  private void awaitTicks(LocalRuntime runtime, List<String> bots) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (String bot : bots) {
      while (lastLine(runtime, bot).map(line -> !line.startsWith("tick")).orElse(true)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Bot " + bot + " printed no tick within " + WAIT.toSeconds() + " s");
        }
        try {
          TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static java.util.Optional<String> lastLine(LocalRuntime runtime, String bot) {
    BotStatus status = runtime.status(bot);
    try (Stream<LogLine> lines = runtime.logs(bot, LogOptions.builder().tail(1)
        .since(status.startedAt().orElse(java.time.Instant.EPOCH)).build())) {
      return lines.reduce((first, second) -> second).map(LogLine::text);
    }
  }

  private void print(ReconcileReport report) {
    out.printf(Locale.ROOT, "      pass (%s): %s%n", report.trigger().name().toLowerCase(Locale.ROOT),
        report.summary());
  }

  private void table(LocalRuntime runtime) {
    out.printf("      %-13s %-8s %-11s %-16s %s%n", "BOT", "STATE", "RUNTIME-ID", "SPEC-HASH", "LAST LINE");
    for (BotStatus status : runtime.list()) {
      out.printf("      %-13s %-8s %-11s %-16s %s%n", status.id(), status.state(), status.runtimeId(),
          status.labels().getOrDefault("berth.spec-hash", ""), lastLine(runtime, status.id()).orElse(""));
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void step(int number, String text) {
    out.printf(Locale.ROOT, "[%d/7 %5.1fs] %s%n", number, seconds(), text);
  }

  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
