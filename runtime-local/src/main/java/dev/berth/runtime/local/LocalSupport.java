package dev.berth.runtime.local;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.BotNotFoundException;
import dev.berth.runtime.Mount;
import dev.berth.runtime.NetworkMode;
import dev.berth.runtime.PortMapping;
import dev.berth.runtime.UnsupportedFeatureException;
import dev.berth.runtime.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What a spec may ask of host processes, checked before anything is created. */
final class LocalSupport {
  private static final Pattern ID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private LocalSupport() {}

  /**
   * An id that can name a workload; anything else cannot exist (and must never become a path).
   *
   * @throws BotNotFoundException when {@code id} is not a DNS-1123 label
   */
  static String requireId(String id) {
    if (id == null || id.length() > 63 || !ID.matcher(id).matches()) {
      throw new BotNotFoundException(String.valueOf(id), "No bot or backtest with id '" + id + "' can exist: ids "
          + "are DNS-1123 labels (lower-case letters, digits and '-', at most 63 characters). Check the id.");
    }
    return id;
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
