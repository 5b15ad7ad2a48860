package dev.berth.runtime.local;

import dev.berth.runtime.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory, CPU and pids limits through cgroups: the unified hierarchy (v2) where it is mounted and writable,
 * else the v1 {@code memory}, {@code cpu} and {@code pids} controllers that are.
 *
 * <p><b>v2.</b> Layout {@code <root>/berth/<scope>/<kind>-<id>} with {@code memory.max}, {@code cpu.max} and
 * {@code pids.max}; only leaves hold processes, as v2 requires; the controllers are enabled in the
 * {@code subtree_control} of each level above. An OOM kill shows in {@code memory.events} ({@code oom_kill}).
 *
 * <p><b>v1.</b> One leaf of the same name in each writable controller's hierarchy,
 * {@code <root>/<controller>/berth/<scope>/<kind>-<id>}: {@code memory.limit_in_bytes} (and
 * {@code memory.memsw.limit_in_bytes} to the same value where swap is accounted, so a bot cannot swap past its
 * limit, as Docker does), {@code cpu.cfs_quota_us} per {@code cpu.cfs_period_us} of 100 ms, {@code pids.max}.
 * An OOM kill shows in the {@code oom_kill} counter of {@code memory.oom_control} (Linux 4.13+; older kernels
 * lack it, and then OOM kills are not detected).
 *
 * <p>A workload's cgroup is named by its <em>leaf</em>: the v2 leaf, or the first of its v1 leaves (memory,
 * cpu, pids). The wrapper writes its pid into {@code cgroup.procs} of every directory {@link #joined} names
 * before it starts the workload, so no child ever runs outside them. Limits set where no controller enforces
 * them are accepted; every affected bot says so in {@code BotStatus.message}, e.g.
 * {@code memory limit not enforced: no cgroup v2 or v1 hierarchy found}.
 */
final class Cgroups {
  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
  private static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");
  /** A file every v1 cgroup of the controller has. */
  private static final Map<String, String> V1_FILES = Map.of("memory", "memory.limit_in_bytes",
      "cpu", "cpu.cfs_quota_us", "pids", "pids.max");
  private static final String BERTH = "berth";

  private final boolean v2;
  /** Per enforcing controller, its {@code berth} directory (on v2 the same one for all). */
  private final Map<String, Path> bases;
  /** Per controller that does not enforce, why. */
  private final Map<String, String> missing;
  private final boolean oomCounted;
  private final String detail;

  private Cgroups(boolean v2, Map<String, Path> bases, Map<String, String> missing, boolean oomCounted,
      String detail) {
    this.v2 = v2;
    this.bases = bases;
    this.missing = missing;
    this.oomCounted = oomCounted;
    this.detail = detail;
  }

  private static Cgroups none(String reason, String detail) {
    Map<String, String> missing = new LinkedHashMap<>();
    CONTROLLERS.forEach(controller -> missing.put(controller, reason));
    return new Cgroups(false, Map.of(), missing, false, detail);
  }

  /** What this host offers, checked once. */
  static Cgroups detect() {
    return detect(Path.of("/sys/fs/cgroup"));
  }

  /** What the hierarchies mounted at {@code root} offer (tests pass a fake tree). */
  static Cgroups detect(Path root) {
    if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
      return detectV2(root);
    }
    if (CONTROLLERS.stream().anyMatch(c -> Files.isRegularFile(root.resolve(c).resolve("cgroup.procs")))) {
      return detectV1(root);
    }
    return none("no cgroup v2 or v1 hierarchy found", root + " has neither a cgroup2 mount nor v1 memory, cpu "
        + "or pids controllers");
  }

  private static Cgroups detectV2(Path root) {
    if (!Files.isWritable(root.resolve("cgroup.subtree_control"))) {
      return none("cgroup v2 not writable", "no permission to write " + root.resolve("cgroup.subtree_control")
          + "; run as root or in a delegated cgroup");
    }
    try {
      List<String> available = List.of(Files.readString(root.resolve("cgroup.controllers")).trim().split("\\s+"));
      if (!available.containsAll(CONTROLLERS)) {
        return none("cgroup v2 lacks the memory, cpu or pids controller", "available: " + available);
      }
      Path base = root.resolve(BERTH);
      Files.createDirectories(base);
      enableControllers(root);
      enableControllers(base);
      Map<String, Path> bases = new LinkedHashMap<>();
      CONTROLLERS.forEach(controller -> bases.put(controller, base));
      return new Cgroups(true, bases, Map.of(), true, "");
    } catch (IOException | RuntimeException e) {
      return none("cgroup v2 not writable", e.toString());
    }
  }

  private static Cgroups detectV1(Path root) {
    Map<String, Path> bases = new LinkedHashMap<>();
    Map<String, String> missing = new LinkedHashMap<>();
    for (String controller : CONTROLLERS) {
      Path mount = root.resolve(controller);
      if (!Files.isRegularFile(mount.resolve("cgroup.procs"))) {
        missing.put(controller, "cgroup v1 " + controller + " controller not mounted");
        continue;
      }
      try {
        Path base = Files.createDirectories(mount.resolve(BERTH));
        if (!Files.isWritable(base)) { // created earlier by root, say
          missing.put(controller, "cgroup v1 " + controller + " controller not writable");
        } else if (!Files.exists(base.resolve(V1_FILES.get(controller)))) {
          missing.put(controller, "cgroup v1 " + controller + " controller not usable (" + mount + " has no "
              + V1_FILES.get(controller) + ")");
        } else {
          bases.put(controller, base);
        }
      } catch (IOException | RuntimeException e) {
        missing.put(controller, "cgroup v1 " + controller + " controller not writable");
      }
    }
    boolean oom = bases.containsKey("memory") && oomCounter(bases.get("memory").resolve("memory.oom_control"));
    String detail = bases.isEmpty() ? "no writable v1 controller under " + root
        : bases.containsKey("memory") && !oom
            ? "memory.oom_control has no oom_kill counter (kernel older than 4.13), so OOM kills are not detected"
            : "";
    return new Cgroups(false, java.util.Collections.unmodifiableMap(bases), missing, oom, detail);
  }

  private static boolean oomCounter(Path oomControl) {
    try {
      return Files.readAllLines(oomControl).stream().anyMatch(line -> line.startsWith("oom_kill "));
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether any limit is enforced. */
  boolean enforced() {
    return !bases.isEmpty();
  }

  boolean enforcesMemory() {
    return bases.containsKey("memory");
  }

  boolean enforcesCpu() {
    return bases.containsKey("cpu");
  }

  boolean enforcesPids() {
    return bases.containsKey("pids");
  }

  /** Whether an OOM kill of a memory-limited workload is detected. */
  boolean detectsOomKill() {
    return enforcesMemory() && oomCounted;
  }

  /** What enforces limits here, or why they are not, for health messages. */
  String summary() {
    if (bases.isEmpty()) {
      return "limits not enforced: " + missing.get("memory") + " (" + detail + ")";
    }
    String enforced = "limits enforced with " + (v2 ? "cgroup v2" : "cgroup v1 (" + String.join(", ", bases.keySet())
        + ")") + (detail.isEmpty() ? "" : "; " + detail);
    return missing.isEmpty() ? enforced : enforced + "; not enforced: " + String.join("; ", missing.values());
  }

  /** The note for a bot's status naming each of its limits that is not enforced and why; empty when none. */
  String note(Resources resources) {
    Map<String, List<String>> byReason = new LinkedHashMap<>();
    if (resources.memoryBytes() > 0 && missing.containsKey("memory")) {
      byReason.computeIfAbsent(missing.get("memory"), r -> new ArrayList<>()).add("memory");
    }
    if (resources.cpuMillis() > 0 && missing.containsKey("cpu")) {
      byReason.computeIfAbsent(missing.get("cpu"), r -> new ArrayList<>()).add("cpu");
    }
    if (resources.pids() > 0 && missing.containsKey("pids")) {
      byReason.computeIfAbsent(missing.get("pids"), r -> new ArrayList<>()).add("pids");
    }
    List<String> notes = new ArrayList<>();
    byReason.forEach((reason, limits) -> notes.add((limits.size() == 1 ? limits.get(0) + " limit"
        : String.join(", ", limits.subList(0, limits.size() - 1)) + " and " + limits.get(limits.size() - 1)
            + " limits") + " not enforced: " + reason));
    return String.join("; ", notes);
  }

  /** Creates the workload's cgroup with its limits and returns its leaf, or empty when nothing is enforced. */
  Optional<Path> prepare(String scope, String kind, String id, Resources resources) {
    if (bases.isEmpty() || resources.isUnlimited()) {
      return Optional.empty();
    }
    try {
      for (Path base : bases.values().stream().distinct().toList()) {
        createLeaf(base.resolve(scope), kind + "-" + id);
      }
      Path leaf = primary(scope, kind, id);
      apply(leaf, resources);
      return Optional.of(leaf);
    } catch (IOException e) {
      LOG.warn("Could not set up cgroup limits for {} {}: {}; it runs without them", kind, id, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Creates a fresh leaf in the scope's directory. The last workload of a scope to end removes that directory,
   * so one being removed concurrently makes this start over (and never leaves a v2 leaf without controllers).
   */
  private void createLeaf(Path scopeDir, String name) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(scopeDir);
        if (v2) {
          enableControllers(scopeDir);
        }
        Path dir = scopeDir.resolve(name);
        removeQuietly(dir); // one a crash left behind: its counters (oom_kill) belong to another run
        if (!Files.isDirectory(dir)) { // else still in use (a process that escaped its run): reuse it
          Files.createDirectory(dir);
        }
        return;
      } catch (java.nio.file.NoSuchFileException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** Writes the limits into an existing cgroup, given by its leaf (also used to change them in place). */
  void apply(Path leaf, Resources resources) throws IOException {
    if (v2) {
      Files.writeString(leaf.resolve("memory.max"),
          resources.memoryBytes() > 0 ? Long.toString(resources.memoryBytes()) : "max");
      Files.writeString(leaf.resolve("cpu.max"),
          resources.cpuMillis() > 0 ? (resources.cpuMillis() * 100L) + " 100000" : "max 100000");
      Files.writeString(leaf.resolve("pids.max"), resources.pids() > 0 ? Integer.toString(resources.pids()) : "max");
      return;
    }
    Path scopeDir = leaf.getParent();
    for (Map.Entry<String, Path> base : bases.entrySet()) {
      Path dir = base.getValue().resolve(scopeDir.getFileName()).resolve(leaf.getFileName());
      switch (base.getKey()) {
        case "memory" -> CgroupV1Limits.memory(dir, resources.memoryBytes());
        case "cpu" -> CgroupV1Limits.cpu(dir, resources.cpuMillis());
        default -> Files.writeString(dir.resolve("pids.max"),
            resources.pids() > 0 ? Integer.toString(resources.pids()) : "max");
      }
    }
  }

  /** The leaf of a workload, if limits are enforced and it exists. */
  Optional<Path> leaf(String scope, String kind, String id) {
    return bases.isEmpty() ? Optional.empty() : Optional.of(primary(scope, kind, id)).filter(Files::isDirectory);
  }

  private Path primary(String scope, String kind, String id) {
    return bases.values().iterator().next().resolve(scope).resolve(kind + "-" + id);
  }

  /**
   * The directories a process joins to be in the cgroup named by {@code leaf}: the leaf itself on v2; on v1 the
   * leaf of the same name in each controller hierarchy next to it ({@code <root>/<controller>/berth/...}).
   */
  static List<Path> joined(Path leaf) {
    Path scopeDir = leaf.getParent();
    Path berth = scopeDir == null ? null : scopeDir.getParent();
    Path mount = berth == null ? null : berth.getParent();
    if (mount == null || mount.getFileName() == null || !BERTH.equals(berth.getFileName().toString())
        || !CONTROLLERS.contains(mount.getFileName().toString())) {
      return List.of(leaf);
    }
    List<Path> dirs = new ArrayList<>();
    for (String controller : CONTROLLERS) {
      Path sibling = mount.resolveSibling(controller).resolve(BERTH).resolve(scopeDir.getFileName())
          .resolve(leaf.getFileName());
      if (sibling.equals(leaf) || Files.isDirectory(sibling)) {
        dirs.add(sibling);
      }
    }
    return dirs;
  }

  /** Whether the kernel killed a process of the workload's cgroup (given by its leaf) for lack of memory. */
  boolean oomKilled(Path leaf) {
    if (!enforcesMemory()) {
      return false;
    }
    Path memory = v2 ? leaf : bases.get("memory").resolve(leaf.getParent().getFileName()).resolve(leaf.getFileName());
    return counter(memory.resolve(v2 ? "memory.events" : "memory.oom_control"), "oom_kill") > 0;
  }

  private static long counter(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(name + " ")) {
          return Long.parseLong(line.substring(name.length() + 1).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /**
   * Removes a workload's cgroup once its processes have exited (best effort: the kernel refuses before), and
   * the scope's directory when that was its last workload (the kernel refuses while others remain).
   */
  void remove(String scope, String kind, String id) {
    for (Path base : bases.values().stream().distinct().toList()) {
      removeQuietly(base.resolve(scope).resolve(kind + "-" + id));
      removeQuietly(base.resolve(scope));
    }
  }

  private static void removeQuietly(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("Could not remove cgroup {}: {}", dir, e.getMessage());
    }
  }

  private static void enableControllers(Path dir) throws IOException {
    Files.writeString(dir.resolve("cgroup.subtree_control"), "+memory +cpu +pids");
  }
}
