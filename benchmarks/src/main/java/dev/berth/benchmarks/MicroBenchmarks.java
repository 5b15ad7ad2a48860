package dev.berth.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The JMH micro-benchmarks, short (one fork, 2 warm-up and 3 measured iterations of 1 s each), printed as one
 * table: the mean time per operation, JMH's error at 99.9 %, and where a baseline makes sense the ratio to it
 * (measured in the same run, in the same fork).
 */
final class MicroBenchmarks {
  /** Each Berth path and the baseline its ratio is taken against. */
  private static final Map<String, String> BASELINES = new LinkedHashMap<>();

  static {
    BASELINES.put("JsonCheckBenchmark.berthCheck", "JsonCheckBenchmark.jacksonReadTree");
    BASELINES.put("SpecBenchmark.specHash", "SpecBenchmark.recordHashCode");
    BASELINES.put("LogDecodeBenchmark.berthFrameDecoder", "LogDecodeBenchmark.bufferedReaderLines");
    BASELINES.put("LogDecodeBenchmark.stringSplitLines", "LogDecodeBenchmark.bufferedReaderLines");
    BASELINES.put("FleetMicroBenchmark.berthLabelFilter", "FleetMicroBenchmark.mapContainsAllFilter");
  }

  private MicroBenchmarks() {}

  static void run() throws Exception {
    Options options = new OptionsBuilder()
        .include("dev\\.berth\\.runtime\\.JsonCheckBenchmark")
        .include("dev\\.berth\\.runtime\\.core\\.fleet\\.SpecBenchmark")
        .include("dev\\.berth\\.runtime\\.docker\\.LogDecodeBenchmark")
        .include("dev\\.berth\\.benchmarks\\.micro\\.FleetMicroBenchmark")
        .forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
        .measurementTime(TimeValue.seconds(1)).jvmArgsAppend("-Xmx512m",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .verbosity(VerboseMode.SILENT).build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult result : results) {
      String label = result.getParams().getBenchmark();
      label = label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1);
      scores.put(label, new double[] {result.getPrimaryResult().getScore(),
          result.getPrimaryResult().getScoreError()});
    }
    System.out.println("Micro-benchmarks (JMH, average time per operation, 1 fork, 2x1 s warm-up, 3x1 s measured)");
    System.out.printf(Locale.ROOT, "  %-46s %12s %10s %12s %7s%n", "benchmark", "ns/op", "error",
        "base ns/op", "ratio");
    scores.forEach((label, score) -> {
      double[] base = BASELINES.containsKey(label) ? scores.get(BASELINES.get(label)) : null;
      System.out.printf(Locale.ROOT, "  %-46s %12.1f %10.1f %12s %7s%n", label, score[0], score[1],
          base == null ? "" : String.format(Locale.ROOT, "%.1f", base[0]),
          base == null ? "" : String.format(Locale.ROOT, "%.2fx", score[0] / base[0]));
    });
  }
}
