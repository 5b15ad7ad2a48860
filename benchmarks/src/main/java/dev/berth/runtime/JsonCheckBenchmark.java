package dev.berth.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The check every bot config goes through ({@code config.json} must be one JSON value), against parsing the
 * same text into a tree with Jackson, as a service that reads its configs would. In this package because
 * the checker is not public.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonCheckBenchmark {
  private final ObjectMapper jackson = new ObjectMapper();
  private final String config = MicroData.config();

  /** Berth's syntax check of a 2 KB config. */
  @Benchmark
  public String berthCheck() {
    return JsonSyntax.check(config);
  }

  /** Baseline: Jackson's {@code readTree} of the same text. */
  @Benchmark
  public Object jacksonReadTree() throws IOException {
    return jackson.readTree(config);
  }
}
