package dev.berth.runtime.apple;

import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * This scope's containers of one kind, found through the CLI. Apple's {@code ls} has no label filter, so a
 * lookup lists every container and keeps those carrying this scope's labels; the name found for an id is
 * remembered, so a status costs one {@code inspect}, and a remembered name the CLI no longer knows (removed
 * behind Berth's back) is forgotten and looked up again at once.
 */
class Containers {
  private final Cli cli;
  private final String scope;
  private final WorkloadKind kind;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  Containers(Cli cli, String scope, WorkloadKind kind) {
    this.cli = cli;
    this.scope = scope;
    this.kind = kind;
  }

  String scope() {
    return scope;
  }

  WorkloadKind kind() {
    return kind;
  }

  Cli cli() {
    return cli;
  }

  WorkloadNotFoundException notFound(String id) {
    return WorkloadNotFoundException.of(kind, id, scope);
  }

  /** Every container of this scope and kind. */
  List<ContainerInfo> all() {
    List<String> args = List.of("ls", "-a", "--format", "json");
    Cli.Result result = cli.run(args);
    if (!result.ok()) {
      throw AppleErrors.translate(result, "listing containers");
    }
    Map<String, String> selector = Names.scopeSelector(scope, kind);
    return ContainerJson.parse(result.stdout(), result.command()).stream().filter(c -> c.hasLabels(selector))
        .collect(Collectors.toList());
  }

  /** Every container of one workload (two only while an update replaces one). */
  List<ContainerInfo> of(String id) {
    return all().stream().filter(c -> id.equals(c.labels().get(Names.ID))).collect(Collectors.toList());
  }

  /**
   * One container per workload of {@code containers}: where an update has the old and the new one side by
   * side, the remembered one if it is among them, else the running one, as {@link #find} chooses.
   */
  List<ContainerInfo> onePerWorkload(List<ContainerInfo> containers) {
    Map<String, ContainerInfo> chosen = new java.util.LinkedHashMap<>();
    for (ContainerInfo container : containers) {
      String id = container.labels().get(Names.ID);
      if (id == null) {
        continue;
      }
      chosen.merge(id, container, (a, b) -> {
        String remembered = known.get(id);
        if (b.name().equals(remembered)) {
          return b;
        }
        if (a.name().equals(remembered)) {
          return a;
        }
        return b.active() && !a.active() ? b : a;
      });
    }
    return new ArrayList<>(chosen.values());
  }

  /** The workload's container: the remembered one if the CLI still has it, else one found by label. */
  Optional<ContainerInfo> find(String id) {
    String name = known.get(id);
    if (name != null) {
      Optional<ContainerInfo> remembered = inspect(name).filter(c -> c.hasLabels(Names.selector(scope, kind, id)));
      if (remembered.isPresent()) {
        return remembered;
      }
      known.remove(id, name);
    }
    return findByLabel(id);
  }

  /** The workload's container, always asking the CLI for every container. */
  Optional<ContainerInfo> findByLabel(String id) {
    Optional<ContainerInfo> found = of(id).stream().max(Comparator.comparing(ContainerInfo::active));
    found.ifPresent(c -> known.put(id, c.name()));
    return found;
  }

  /** The workload's container, or the not-found exception of this kind. */
  ContainerInfo require(String id) {
    return find(id).orElseThrow(() -> notFound(id));
  }

  /** One container by name; empty when the CLI does not know it. */
  Optional<ContainerInfo> inspect(String name) {
    Cli.Result result = cli.run(List.of("inspect", name));
    if (AppleErrors.isNotFound(result)) {
      return Optional.empty(); // 1.x; before 1.0 inspect printed [] for an unknown id
    }
    if (!result.ok()) {
      throw AppleErrors.translate(result, "inspecting container " + name);
    }
    return ContainerJson.parse(result.stdout(), result.command()).stream().filter(c -> c.name().equals(name))
        .findFirst();
  }

  void remember(String id, String name) {
    known.put(id, name);
  }

  void forget(String id, String name) {
    known.remove(id, name);
  }

  Cli.Result start(String name) {
    return cli.run(List.of("start", name));
  }

  /** {@code stop -t <seconds>}: the CLI takes whole seconds, so a partial second is rounded up. */
  Cli.Result stop(String name, Duration grace) {
    return cli.run(List.of("stop", "-t", Long.toString(seconds(grace)), name),
        cli.defaultTimeout().plus(grace));
  }

  /** {@code delete}, which the CLI refuses for a running container unless {@code force}. */
  Cli.Result delete(String name, boolean force) {
    return cli.run(force ? List.of("delete", "--force", name) : List.of("delete", name));
  }

  static long seconds(Duration grace) {
    long millis = Math.max(0, grace.toMillis());
    return Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
  }
}
