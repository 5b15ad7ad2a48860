package dev.berth.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Runs the lifecycle, log shipping and object store benchmarks. Each one measures a baseline (the raw mechanism Berth wraps) in the same
 * run, interleaved with Berth, and prints Berth's cost as a ratio of it; nothing is asserted.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am verify -DskipTests -Pbenchmark -Dbenchmark=docker
 * </pre>
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "all" : args[0].toLowerCase(Locale.ROOT);
    if (!List.of("all", "local", "docker", "fleet", "shipper", "store").contains(which)) {
      throw new IllegalArgumentException("Unknown benchmark '" + which + "'; use local, docker, fleet, shipper, store "
          + "or all");
    }
    if (which.equals("all") || which.equals("local")) {
      LocalLifecycleBenchmark.run();
    }
    if (which.equals("all") || which.equals("docker")) {
      DockerLifecycleBenchmark.run();
    }
    if (which.equals("all") || which.equals("fleet")) {
      FleetBenchmark.run();
    }
    if (which.equals("all") || which.equals("shipper")) {
      LogShipperBenchmark.run();
    }
    if (which.equals("all") || which.equals("store")) {
      ObjectStoreThroughputBenchmark.run();
    }
  }
}
