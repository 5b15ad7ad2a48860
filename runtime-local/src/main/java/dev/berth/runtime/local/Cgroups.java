package dev.berth.runtime.local;

import dev.berth.runtime.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory, CPU and pids limits through cgroup v2, where the unified hierarchy is mounted and writable.
 *
 * <p>Layout: {@code <root>/berth/<scope>/<kind>-<id>} with {@code memory.max}, {@code cpu.max} and
 * {@code pids.max}; the wrapper moves itself into the leaf ({@code cgroup.procs}) before it starts the
 * workload, so no child ever runs outside it. Only leaves hold processes, as cgroup v2 requires; the
 * controllers are enabled in the {@code subtree_control} of each level above.
 *
 * <p>Elsewhere (cgroup v1, no permission, macOS) limits are accepted but not enforced, and every affected
 * bot says so in {@code BotStatus.message}, e.g. {@code memory limit not enforced: cgroup v2 not writable}.
 */
final class Cgroups {
  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
  private static final Set<String> CONTROLLERS = Set.of("memory", "cpu", "pids");

  private final Optional<Path> base;
  private final String reason;
  private final String detail;

  private Cgroups(Optional<Path> base, String reason, String detail) {
    this.base = base;
    this.reason = reason;
    this.detail = detail;
  }

  /** What this host offers, checked once. */
  static Cgroups detect() {
    return detect(Path.of("/sys/fs/cgroup"));
  }

  /** What the hierarchy mounted at {@code root} offers (tests pass a fake tree). */
  static Cgroups detect(Path root) {
    if (!Files.isRegularFile(root.resolve("cgroup.controllers"))) {
      return new Cgroups(Optional.empty(), "cgroup v2 not available", root + " is not a cgroup2 mount");
    }
    if (!Files.isWritable(root.resolve("cgroup.subtree_control"))) {
      return new Cgroups(Optional.empty(), "cgroup v2 not writable", "no permission to write "
          + root.resolve("cgroup.subtree_control") + "; run as root or in a delegated cgroup");
    }
    try {
      Set<String> available = Set.of(Files.readString(root.resolve("cgroup.controllers")).trim().split("\\s+"));
      if (!available.containsAll(CONTROLLERS)) {
        return new Cgroups(Optional.empty(), "cgroup v2 lacks the memory, cpu or pids controller",
            "available: " + available);
      }
      Path base = root.resolve("berth");
      Files.createDirectories(base);
      enableControllers(root);
      enableControllers(base);
      return new Cgroups(Optional.of(base), "", "limits in " + base);
    } catch (IOException | RuntimeException e) {
      return new Cgroups(Optional.empty(), "cgroup v2 not writable", e.toString());
    }
  }

  /** Whether limits are enforced. */
  boolean enforced() {
    return base.isPresent();
  }

  /** Why limits are not enforced, in a few words; empty when they are. */
  String reason() {
    return reason;
  }

  /** What was found, for health messages. */
  String detail() {
    return detail;
  }

  /** The note for a bot's status when its limits are not enforced, else empty. */
  String note(Resources resources) {
    if (enforced() || resources.isUnlimited()) {
      return "";
    }
    List<String> limits = new ArrayList<>();
    if (resources.memoryBytes() > 0) {
      limits.add("memory");
    }
    if (resources.cpuMillis() > 0) {
      limits.add("cpu");
    }
    if (resources.pids() > 0) {
      limits.add("pids");
    }
    String names = limits.size() == 1 ? limits.get(0) + " limit"
        : String.join(", ", limits.subList(0, limits.size() - 1)) + " and " + limits.get(limits.size() - 1)
            + " limits";
    return names + " not enforced: " + reason;
  }

  /** Creates the workload's leaf with its limits, or empty when nothing is to be enforced. */
  Optional<Path> prepare(String scope, String kind, String id, Resources resources) {
    if (base.isEmpty() || resources.isUnlimited()) {
      return Optional.empty();
    }
    try {
      Path scopeDir = base.get().resolve(scope);
      Files.createDirectories(scopeDir);
      enableControllers(scopeDir);
      Path leaf = scopeDir.resolve(kind + "-" + id);
      Files.createDirectories(leaf);
      apply(leaf, resources);
      return Optional.of(leaf);
    } catch (IOException e) {
      LOG.warn("Could not set up cgroup limits for {} {}: {}; it runs without them", kind, id, e.getMessage());
      return Optional.empty();
    }
  }

  /** Writes the limits into an existing leaf (also used to change them in place). */
  void apply(Path leaf, Resources resources) throws IOException {
    Files.writeString(leaf.resolve("memory.max"),
        resources.memoryBytes() > 0 ? Long.toString(resources.memoryBytes()) : "max");
    Files.writeString(leaf.resolve("cpu.max"),
        resources.cpuMillis() > 0 ? (resources.cpuMillis() * 100L) + " 100000" : "max 100000");
    Files.writeString(leaf.resolve("pids.max"), resources.pids() > 0 ? Integer.toString(resources.pids()) : "max");
  }

  /** The leaf of a workload, if limits are enforced and it exists. */
  Optional<Path> leaf(String scope, String kind, String id) {
    return base.map(b -> b.resolve(scope).resolve(kind + "-" + id)).filter(Files::isDirectory);
  }

  /** Whether the kernel killed a process of the leaf for running out of memory. */
  boolean oomKilled(Path leaf) {
    try {
      for (String line : Files.readAllLines(leaf.resolve("memory.events"))) {
        if (line.startsWith("oom_kill ") && !line.substring(9).trim().equals("0")) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** Removes a leaf once its processes have exited (best effort; the kernel refuses while it has members). */
  void remove(String scope, String kind, String id) {
    leaf(scope, kind, id).ifPresent(leaf -> {
      try {
        Files.deleteIfExists(leaf);
      } catch (IOException e) {
        LOG.debug("Could not remove cgroup {}: {}", leaf, e.getMessage());
      }
    });
  }

  private static void enableControllers(Path dir) throws IOException {
    Files.writeString(dir.resolve("cgroup.subtree_control"), "+memory +cpu +pids");
  }
}
