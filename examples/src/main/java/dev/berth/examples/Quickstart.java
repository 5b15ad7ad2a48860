package dev.berth.examples;

import dev.berth.runtime.BacktestResult;
import dev.berth.runtime.BacktestRunner;
import dev.berth.runtime.BacktestSpec;
import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotStatus;
import dev.berth.runtime.CodeBundle;
import dev.berth.runtime.LogLine;
import dev.berth.runtime.LogOptions;
import dev.berth.runtime.Resources;
import dev.berth.runtime.RestartPolicy;
import dev.berth.runtime.Runtime;
import dev.berth.runtime.core.internal.Directories;
import dev.berth.runtime.core.FileSystemObjectStore;
import dev.berth.runtime.local.LocalBacktestRunner;
import dev.berth.runtime.local.LocalRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Berth quickstart: on a machine with nothing but a JDK, it runs three sample trading bots and one
 * backtest on the embedded local runtime, shows their status and logs, prints a summary and removes
 * everything it created.
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Pquickstart
 * </pre>
 *
 * <p>The bots run {@code Strategy.java}, a single-file Java program bundled as a resource, copied into a
 * temporary directory and handed to Berth as {@code CodeBundle.directory(...)} with language {@code java}.
 * Each bot gets its settings as {@code config.json} (and {@code BOT_CONFIG}).
 */
public final class Quickstart {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final String[][] BOTS = {
      {"momentum-btc", "BTC-USD", "64000", "300"},
      {"meanrev-eth", "ETH-USD", "3200", "400"},
      {"breakout-sol", "SOL-USD", "150", "500"}};

  private final PrintStream out;
  private final long started = System.nanoTime();
  private final List<String[]> summary = new ArrayList<>();

  Quickstart(PrintStream out) {
    this.out = out;
  }

  /** Runs the quickstart, printing to standard output. */
  public static void main(String[] args) {
    new Quickstart(System.out).run();
  }

  /** Runs the tour; everything it starts is stopped and deleted, also when a step fails. */
  void run() {
    Path home = createTempDirectory();
    try {
      Path bundle = copyBundle(home.resolve("bundle"));
      step(1, "Sample code bundle: " + bundle.resolve("Strategy.java"));
      FileSystemObjectStore store = new FileSystemObjectStore(home.resolve("store"));
      try (LocalRuntime runtime = LocalRuntime.builder().stateDir(home.resolve("state")).scope("quickstart")
              .stopGrace(Duration.ofSeconds(5)).objectStore(store).build();
          BacktestRunner runner = LocalBacktestRunner.builder().stateDir(home.resolve("state"))
              .scope("quickstart").objectStore(store).build()) {
        try {
          tour(runtime, runner, bundle);
        } finally {
          for (BotStatus status : runtime.list()) {
            runtime.delete(status.id());
          }
        }
      }
      printSummary();
    } finally {
      Directories.deleteRecursively(home);
      out.printf(Locale.ROOT, "Cleaned up %s. Done in %.1f s.%n", home, seconds());
    }
  }

  private void tour(Runtime runtime, BacktestRunner runner, Path bundle) {
    step(2, "Starting three bots on the local runtime (" + runtime.health().message() + ")");
    for (String[] bot : BOTS) {
      runtime.create(botSpec(bot, bundle));
      runtime.start(bot[0]);
      out.printf("      started %-13s %s%n", bot[0], runtime.status(bot[0]).runtimeId());
    }
    out.print("      waiting for the first ticks (the JDK compiles Strategy.java on start) ");
    for (String[] bot : BOTS) {
      awaitTicks(runtime, bot[0], 3);
    }
    out.println(" ok");

    step(3, "Status");
    out.printf("      %-13s %-8s %-10s %-8s %s%n", "BOT", "STATE", "RUNTIME-ID", "RESTARTS", "MESSAGE");
    for (BotStatus status : runtime.list()) {
      out.printf("      %-13s %-8s %-10s %-8d %s%n", status.id(), status.state(), status.runtimeId(),
          status.restartCount(), status.message());
    }
    // Limits are enforced where the host lets Berth use cgroups (v2, or v1 as root); elsewhere each bot says so.
    out.println("      memory limit 256m per bot: " + (runtime.capabilities().enforcesMemoryLimit()
        ? "enforced on this host" : "not enforced on this host (see the messages above)"));

    step(4, "Last log lines");
    for (String[] bot : BOTS) {
      for (LogLine line : lines(runtime, bot[0], LogOptions.tail(2))) {
        out.printf("      %-13s | %s%n", bot[0], line.text());
      }
    }

    step(5, "Running a backtest of momentum-btc over 20,000 ticks");
    BacktestResult result = runner.run(BacktestSpec.builder("bt-momentum-btc")
        .codeBundle(CodeBundle.directory(bundle)).entrypoint("Strategy.java").language("java")
        .config("{\"symbol\":\"BTC-USD\",\"startPrice\":64000,\"window\":20,\"ticks\":20000}")
        .timeout(Duration.ofSeconds(45))
        .build());
    out.printf(Locale.ROOT, "      %s in %.1f s, exit code %s%n", result.state(),
        result.duration().orElse(Duration.ZERO).toMillis() / 1000.0,
        result.exitCode().isPresent() ? result.exitCode().getAsInt() : "-");
    out.println("      result JSON: " + result.resultJson().orElse("(none)"));
    out.println("      stored at:   " + result.resultLocation().orElse("(no object store)"));
    summary.add(new String[] {"backtest", result.id(), result.state().name(), exit(result.exitCode()),
        Integer.toString(result.logTail().size()), result.resultJson().orElse(result.message())});

    step(6, "Stopping the bots (SIGTERM, then SIGKILL after 5 s)");
    for (String[] bot : BOTS) {
      runtime.stop(bot[0]);
      BotStatus status = runtime.status(bot[0]);
      List<LogLine> all = lines(runtime, bot[0], LogOptions.DEFAULT);
      String last = all.isEmpty() ? "" : all.get(all.size() - 1).text();
      out.printf("      %-13s %s, exit code %s, last line: %s%n", bot[0], status.state(), exit(status.exitCode()),
          last);
      summary.add(new String[] {"bot", bot[0], status.state().name(), exit(status.exitCode()),
          Integer.toString(all.size()), last});
    }
  }

  private static BotSpec botSpec(String[] bot, Path bundle) {
    return BotSpec.builder(bot[0])
        .codeBundle(CodeBundle.directory(bundle))
        .entrypoint("Strategy.java")
        .language("java")
        .config("{\"symbol\":\"" + bot[1] + "\",\"startPrice\":" + bot[2] + ",\"intervalMs\":" + bot[3] + "}")
        .label("example", "quickstart")
        .restartPolicy(RestartPolicy.onFailure(3))
        .resources(Resources.builder().memory("256m").build())
        .build();
  }

  private void awaitTicks(Runtime runtime, String id, int count) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (lines(runtime, id, LogOptions.DEFAULT).stream().filter(l -> l.text().startsWith("tick ")).count() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Bot " + id + " printed no ticks within " + WAIT + "; its status: "
            + runtime.status(id) + "; its log: " + lines(runtime, id, LogOptions.DEFAULT));
      }
      out.print('.');
      pause(Duration.ofMillis(250));
    }
  }

  private static List<LogLine> lines(Runtime runtime, String id, LogOptions options) {
    try (Stream<LogLine> lines = runtime.logs(id, options)) {
      return lines.toList();
    }
  }

  private void printSummary() {
    out.println();
    out.println("Summary");
    String format = "  %-9s %-16s %-10s %-5s %-6s %s%n";
    out.printf(format, "KIND", "ID", "STATE", "EXIT", "LINES", "RESULT / LAST LINE");
    for (String[] row : summary) {
      out.printf(format, (Object[]) row);
    }
    out.println();
  }

  private void step(int number, String text) {
    out.printf(Locale.ROOT, "[%d/6 %5.1fs] %s%n", number, seconds(), text);
  }

  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  private static String exit(java.util.OptionalInt code) {
    return code.isPresent() ? Integer.toString(code.getAsInt()) : "-";
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("berth-quickstart-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the bundled {@code Strategy.java} out of the jar into a plain directory. */
  static Path copyBundle(Path dir) {
    Map<String, String> files = new TreeMap<>(Map.of("Strategy.java", "strategy/Strategy.java"));
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : files.entrySet()) {
        try (InputStream in = Quickstart.class.getResourceAsStream(file.getValue())) {
          if (in == null) {
            throw new IllegalStateException("resource " + file.getValue() + " is missing from berth-examples");
          }
          Files.copy(in, dir.resolve(file.getKey()));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
