package dev.berth.runtime.core.fleet;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.MicroData;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Building (and so validating) a spec, and the spec hash the reconciler compares every pass, against the
 * JDK's own {@code hashCode} of the same record (which a hash that must be stable across JVMs cannot use).
 * In this package because the hash is not public.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpecBenchmark {
  private final BotSpec spec = MicroData.spec("grid-7");

  /** A full spec built and validated: id, image, command, env, labels and a 2 KB config checked as JSON. */
  @Benchmark
  public BotSpec buildAndValidate() {
    return MicroData.spec("grid-7");
  }

  /** The reconciler's spec hash: a canonical text of every field, SHA-256, 16 hex digits. */
  @Benchmark
  public String specHash() {
    return SpecHash.of(spec);
  }

  /** Baseline: the record's {@code hashCode}. */
  @Benchmark
  public int recordHashCode() {
    return spec.hashCode();
  }
}
