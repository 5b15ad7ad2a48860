package dev.berth.runtime.local;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.UnsupportedFeatureException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;

/** What a spec may ask of host processes, checked before anything is created. */
final class LocalSupport {
  private LocalSupport() {}

  /**
   * An id that can name a workload of {@code kind}; anything else is bad input (and must never become a path).
   *
   * @throws dev.berth.runtime.InvalidSpecException when {@code id} is not a DNS-1123 label
   */
  static String requireId(WorkloadKind kind, String id) {
    return kind.requireValidId(id);
  }

  /**
   * Rejects what a host process cannot honour, listing every problem.
   *
   * @throws UnsupportedFeatureException naming the settings and what to use instead
   */
  static void check(WorkloadSpec spec) {
    List<String> problems = new ArrayList<>();
    NetworkMode network = spec.networkMode();
    if (network.kind() != NetworkMode.Kind.DEFAULT && network.kind() != NetworkMode.Kind.HOST) {
      problems.add("network mode '" + network + "': local processes share the host's network; use "
          + "NetworkMode.DEFAULT or HOST, or a container runtime for isolated networks");
    }
    for (Mount mount : spec.mounts()) {
      if (!mount.source().equals(mount.target())) {
        problems.add("mount " + mount.source() + " -> " + mount.target() + ": local processes see the host file "
            + "system as it is; pass the host path to the bot through env or config instead");
      }
    }
    if (spec instanceof BotSpec) {
      for (PortMapping port : ((BotSpec) spec).ports()) {
        if (port.hostPort() != 0 && port.hostPort() != port.containerPort()) {
          problems.add("port " + port.containerPort() + " -> " + port.hostPort() + ": a local process listens on "
              + "host ports directly and cannot be remapped; let it listen on " + port.hostPort());
        }
      }
    }
    for (String key : spec.options().keySet()) {
      if (key.startsWith("local.")) {
        problems.add("option '" + key + "': the local runtime has no options; remove it");
      }
    }
    if (!problems.isEmpty()) {
      throw new UnsupportedFeatureException("The local runtime cannot run " + spec.kind() + " '" + spec.id()
          + "' as specified: " + String.join("; ", problems) + ".");
    }
  }
}
