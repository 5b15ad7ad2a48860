package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import dev.berth.runtime.WorkloadNotFoundException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Finds this scope's containers of one kind by label. The container id found (or created) for a Berth id
 * is remembered, so most calls cost one request; a remembered id that Docker no longer knows is
 * forgotten and looked up again by label, so a container removed behind the runtime's back is reported
 * at once.
 */
final class ContainerLookup {
  private final DockerClient client;
  private final DockerErrors errors;
  private final String scope;
  private final String kind;
  private final WorkloadKind workloadKind;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  ContainerLookup(DockerConnection connection, String scope, String kind) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.scope = scope;
    this.kind = kind;
    this.workloadKind = kind.equals(Labels.KIND_BACKTEST) ? WorkloadKind.BACKTEST : WorkloadKind.BOT;
  }

  /** The scope whose containers this lookup finds. */
  String scope() {
    return scope;
  }

  /** The not-found error of this lookup's kind (a sidecar's belongs to its bot). */
  WorkloadNotFoundException notFound(String id) {
    return WorkloadNotFoundException.of(workloadKind, id, scope);
  }

  /** The container of {@code id}, asking Docker by label unless it is remembered. */
  Optional<String> find(String id) {
    String cached = known.get(id);
    return cached != null ? Optional.of(cached) : findByLabel(id);
  }

  /** The container of {@code id}, always asking Docker. */
  Optional<String> findByLabel(String id) {
    Optional<String> containerId = current(list(Labels.selector(scope, kind, id))).map(Container::getId);
    containerId.ifPresentOrElse(c -> known.put(id, c), () -> known.remove(id));
    return containerId;
  }

  /**
   * The container that is the workload among those carrying its id. Two exist during a recreate, and stay if
   * the JVM recreating died before it removed the old one: until the replacement is renamed the old container
   * is the workload, so a container with a temporary name counts only when it is the only one.
   */
  static Optional<Container> current(List<Container> containers) {
    Comparator<Container> preference = Comparator.<Container, Boolean>comparing(WorkloadCreator::isTemporary)
        .reversed().thenComparing(Container::getCreated);
    return containers.stream().max(preference);
  }

  /** The containers with a temporary name that carry {@code id}: replacements a dead recreate left. */
  List<String> temporaries(String id) {
    return list(Labels.selector(scope, kind, id)).stream().filter(WorkloadCreator::isTemporary)
        .map(Container::getId).toList();
  }

  /**
   * Runs {@code call} on the bot's container. If the remembered container is gone, looks it up again by
   * label once; throws {@link WorkloadNotFoundException} of the lookup's kind when there is none (or the one listed is being removed),
   * and {@link RuntimeOperationException} when the same container is still there and the engine's "not found"
   * was about something else.
   */
  <T> T withContainer(String id, Function<String, T> call) {
    String containerId = find(id).orElseThrow(() -> notFound(id));
    try {
      return call.apply(containerId);
    } catch (RuntimeException e) {
      if (!DockerErrors.isNotFound(e)) {
        throw errors.translate(e, "calling Docker for '" + id + "'", workloadKind, id);
      }
      forget(id, containerId);
      String again = findByLabel(id).orElseThrow(() -> notFound(id));
      if (again.equals(containerId) && DockerErrors.message(e).startsWith("No such container")) {
        // Listed but no longer inspectable: a concurrent delete is removing it.
        throw notFound(id);
      }
      if (again.equals(containerId)) { // the container exists: something else it needs is missing
        throw new RuntimeOperationException("Docker failed calling for '" + id + "': " + DockerErrors.message(e)
            + ". The container exists; create what the engine names as missing (e.g. its network).", e);
      }
      try {
        return call.apply(again);
      } catch (RuntimeException retry) {
        throw errors.translate(retry, "calling Docker for '" + id + "'", workloadKind, id);
      }
    }
  }

  void remember(String id, String containerId) {
    known.put(id, containerId);
  }

  void forget(String id, String containerId) {
    known.remove(id, containerId);
  }

  /** Every container of this scope and kind that also carries {@code extraLabels}. */
  List<Container> all(Map<String, String> extraLabels) {
    Map<String, String> labels = Labels.scopeSelector(scope, kind);
    labels.putAll(extraLabels);
    return list(labels);
  }

  /**
   * One container per bot: an update that recreates a bot creates the replacement (named {@code …-next-…})
   * before it removes the old container, so for a moment both carry the bot's labels. Until the old one is
   * gone it is the bot; after that the replacement is.
   */
  static List<Container> onePerBot(List<Container> containers) {
    Map<String, List<Container>> byBot = new java.util.LinkedHashMap<>();
    for (Container container : containers) {
      String botId = container.getLabels() == null ? null : container.getLabels().get(Labels.ID);
      byBot.computeIfAbsent(botId, id -> new java.util.ArrayList<>()).add(container);
    }
    return byBot.values().stream().map(candidates -> current(candidates).orElseThrow()).toList();
  }

  private List<Container> list(Map<String, String> labels) {
    try {
      return client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
    } catch (RuntimeException e) {
      throw errors.translate(e, "listing containers", null);
    }
  }
}
