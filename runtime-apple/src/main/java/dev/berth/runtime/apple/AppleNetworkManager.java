package dev.berth.runtime.apple;

import dev.berth.runtime.InvalidSpecException;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.RuntimeOperationException;
import dev.berth.runtime.WorkloadKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Networks through {@code container network create|list|delete} (macOS 26 and container 1.x), labelled with
 * the runtime's scope like the Docker backend's: a runtime lists and removes only its scope's networks.
 * Bots join one with {@code NetworkMode.named(name)}. Removal is best-effort.
 */
final class AppleNetworkManager implements NetworkManager {
  private static final Logger log = LoggerFactory.getLogger(AppleNetworkManager.class);
  /** The CLI's rule for network names. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?");
  private static final String KIND = "network";

  private final Cli cli;
  private final String scope;

  AppleNetworkManager(Cli cli, String scope) {
    this.cli = cli;
    this.scope = scope;
  }

  /** Whether this CLI has {@code container network}: {@code network list} answers. */
  static boolean supported(Cli cli) {
    Cli.Result result = cli.run(List.of("network", "list", "--format", "json"));
    return result.ok();
  }

  @Override
  public Network create(String name, Map<String, String> labels) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidSpecException("network", List.of("name: '" + name + "' is not a network name the "
          + "container CLI accepts ([a-z0-9], then [a-z0-9._-], at most 63 characters)"));
    }
    Optional<Network> existing = byName(name);
    if (existing.isPresent()) {
      if (!existing.get().labels().getOrDefault(Names.SCOPE, "").equals(scope)) {
        throw new RuntimeOperationException("A network named '" + name + "' exists that this runtime's scope ('"
            + scope + "') does not manage. Pick another name, or join it directly with NetworkMode.named.");
      }
      return user(existing.get());
    }
    Map<String, String> all = new HashMap<>(labels);
    all.putAll(Names.scopeSelector(scope, WorkloadKind.BOT));
    all.put(Names.KIND, KIND);
    List<String> problems = Names.labelProblems(all);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException("network", problems);
    }
    List<String> args = new ArrayList<>(List.of("network", "create"));
    all.forEach((key, value) -> {
      args.add("--label");
      args.add(key + "=" + value);
    });
    args.add(name);
    Cli.Result result = cli.run(args);
    if (!result.ok()) {
      throw AppleErrors.translate(result, "creating network '" + name + "'");
    }
    log.info("Created network {}", name);
    return byName(name).map(this::user).orElseThrow(() -> new RuntimeOperationException("Network '" + name
        + "' vanished right after it was created; try again"));
  }

  @Override
  public void remove(String name) {
    Optional<Network> network = byName(name).filter(this::ours);
    if (network.isEmpty()) {
      log.debug("Network {} is not a network of scope {}; nothing to remove", name, scope);
      return;
    }
    Cli.Result result = cli.run(List.of("network", "delete", name));
    if (result.ok() || AppleErrors.isNotFound(result)) {
      log.info("Removed network {}", name);
    } else {
      log.warn("Network {} was not removed: {}", name, AppleErrors.describe(AppleErrors.parse(result)));
    }
  }

  @Override
  public List<Network> list() {
    return all().stream().filter(this::ours).map(this::user).toList();
  }

  private boolean ours(Network network) {
    return scope.equals(network.labels().get(Names.SCOPE)) && "true".equals(network.labels().get(Names.MANAGED))
        && KIND.equals(network.labels().get(Names.KIND));
  }

  private Network user(Network network) {
    return new Network(network.name(), network.id(), network.driver(), Names.userLabels(network.labels()));
  }

  private Optional<Network> byName(String name) {
    return all().stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** Every network, in the 1.x shape {@code {"id", "configuration": {"name"|"id", "labels", "plugin"}}}. */
  private List<Network> all() {
    Cli.Result result = cli.run(List.of("network", "list", "--format", "json"));
    if (!result.ok()) {
      throw AppleErrors.translate(result, "listing networks");
    }
    Object root;
    try {
      root = Json.parse(result.stdout().isBlank() ? "[]" : result.stdout());
    } catch (Json.MalformedJsonException e) {
      throw ContainerJson.malformed(result.command(), result.stdout(), e.getMessage());
    }
    List<Network> networks = new ArrayList<>();
    for (Object item : Json.array(root).orElse(List.of())) {
      Map<String, Object> network = Json.object(item).orElse(Map.of());
      Map<String, Object> configuration = Json.object(network, "configuration").orElse(Map.of());
      Optional<String> name = Json.string(configuration, "name").or(() -> Json.string(configuration, "id"))
          .or(() -> Json.string(network, "id"));
      name.ifPresent(n -> networks.add(new Network(n, Json.string(network, "id").orElse(n),
          Json.string(configuration, "plugin").orElse("vmnet"), Json.strings(configuration, "labels"))));
    }
    return networks;
  }

  /** The gateway of the network named {@code name}, from its status; how workloads on it reach this Mac. */
  static Optional<String> gateway(Cli cli, String name) {
    Cli.Result result = cli.run(List.of("network", "list", "--format", "json"));
    if (!result.ok()) {
      return Optional.empty();
    }
    try {
      for (Object item : Json.array(Json.parse(result.stdout())).orElse(List.of())) {
        Map<String, Object> network = Json.object(item).orElse(Map.of());
        Map<String, Object> configuration = Json.object(network, "configuration").orElse(Map.of());
        String id = Json.string(network, "id").or(() -> Json.string(configuration, "name")).orElse("");
        if (id.equals(name)) {
          Map<String, Object> status = Json.object(network, "status").orElse(Map.of());
          return Json.string(status, "ipv4Gateway").or(() -> Json.string(status, "gateway"))
              .map(ContainerJson::withoutPrefixLength);
        }
      }
    } catch (Json.MalformedJsonException e) {
      log.debug("`{}` printed no JSON: {}", result.command(), e.getMessage());
    }
    return Optional.empty();
  }
}
