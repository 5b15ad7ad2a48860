package dev.berth.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Runs the JMH micro-benchmarks and the lifecycle, log shipping and object store benchmarks. Each one measures a baseline (the raw mechanism Berth wraps) in the same
 * run, interleaved with Berth, and prints Berth's cost as a ratio of it; nothing is asserted.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am verify -DskipTests -Pbenchmark -Dbenchmark=docker
 * </pre>
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    // The table is the output: the library's per-bot INFO lines would bury it.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    String which = args.length == 0 ? "all" : args[0].toLowerCase(Locale.ROOT);
    if (!List.of("all", "micro", "cold", "local", "docker", "docker-lifecycle", "docker-list", "docker-logs",
        "docker-fleet", "docker-backtest", "kubernetes", "fleet", "shipper", "store").contains(which)) {
      throw new IllegalArgumentException("Unknown benchmark '" + which + "'; use micro, cold, local, docker, "
          + "docker-lifecycle, docker-list, docker-logs, docker-fleet, docker-backtest, kubernetes, fleet, shipper, "
          + "store or all");
    }
    if (which.equals("all") || which.equals("micro")) {
      MicroBenchmarks.run();
    }
    if (which.equals("all") || which.equals("cold")) {
      ColdStartBenchmark.run();
    }
    if (which.equals("all") || which.equals("local")) {
      LocalLifecycleBenchmark.run();
    }
    if (which.equals("all") || which.equals("docker") || which.equals("docker-lifecycle")) {
      DockerLifecycleBenchmark.run();
    }
    if (which.equals("all") || which.equals("docker") || which.equals("docker-list")) {
      DockerListBenchmark.run();
    }
    if (which.equals("all") || which.equals("docker") || which.equals("docker-logs")) {
      DockerLogBenchmark.run();
    }
    if (which.equals("all") || which.equals("docker") || which.equals("docker-fleet")) {
      DockerFleetLifecycleBenchmark.run();
    }
    if (which.equals("all") || which.equals("docker") || which.equals("docker-backtest")) {
      DockerBacktestBenchmark.run();
    }
    if (which.equals("all") || which.equals("kubernetes")) {
      KubernetesListBenchmark.run();
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
