package dev.berth.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/** What a Docker result depends on besides the code: the machine's load, the JDK and the engine. */
final class DockerMachine {
  private DockerMachine() {}

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** E.g. "2 cores, load average 3.1 to 5.2, JDK 17.0.15+6, Docker 20.10.24 (API 1.41)". */
  static String describe(DockerClient client, double loadBefore) {
    Version version = client.versionCmd().exec();
    return String.format(Locale.ROOT, "%d cores, load average %.1f to %.1f, JDK %s, Docker %s (API %s)",
        Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage(), System.getProperty("java.vm.version"),
        version.getVersion(), version.getApiVersion());
  }
}
