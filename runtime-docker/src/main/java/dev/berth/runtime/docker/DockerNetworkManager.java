package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import dev.berth.runtime.NetworkManager;
import dev.berth.runtime.RuntimeOperationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User-defined bridge networks labelled with the runtime's scope. Bots join them with
 * {@code NetworkMode.named(name)} and reach each other by container name or IP. Removal is best-effort.
 */
final class DockerNetworkManager implements NetworkManager {
  private static final Logger log = LoggerFactory.getLogger(DockerNetworkManager.class);

  private final DockerClient client;
  private final DockerErrors errors;
  private final String scope;

  DockerNetworkManager(DockerConnection connection, String scope) {
    this.client = connection.client();
    this.errors = connection.errors();
    this.scope = scope;
  }

  @Override
  public Network create(String name, Map<String, String> labels) {
    Optional<com.github.dockerjava.api.model.Network> existing = byName(name);
    if (existing.isPresent()) {
      Map<String, String> found = existing.get().getLabels() == null ? Map.of() : existing.get().getLabels();
      if (!scope.equals(found.get(Labels.SCOPE)) || !"true".equals(found.get(Labels.MANAGED))) {
        throw new RuntimeOperationException("A network named '" + name + "' exists that this runtime's scope ('"
            + scope + "') does not manage. Pick another name, or join it directly with NetworkMode.named.");
      }
      return toNetwork(existing.get());
    }
    Map<String, String> all = new HashMap<>(labels);
    all.putAll(Labels.scopeSelector(scope, Labels.KIND_NETWORK));
    try {
      client.createNetworkCmd().withName(name).withDriver("bridge").withLabels(all).withCheckDuplicate(true).exec();
    } catch (RuntimeException e) {
      throw errors.translate(e, "creating network '" + name + "'", null);
    }
    log.info("Created network {}", name);
    return byName(name).map(this::toNetwork).orElseThrow(() -> new RuntimeOperationException("Network '"
        + name + "' vanished right after it was created; try again"));
  }

  @Override
  public void remove(String name) {
    Optional<com.github.dockerjava.api.model.Network> network = byName(name).filter(n -> n.getLabels() != null
        && scope.equals(n.getLabels().get(Labels.SCOPE)) && "true".equals(n.getLabels().get(Labels.MANAGED)));
    if (network.isEmpty()) {
      log.debug("Network {} is not a network of scope {}; nothing to remove", name, scope);
      return;
    }
    try {
      client.removeNetworkCmd(network.get().getId()).exec();
      log.info("Removed network {}", name);
    } catch (RuntimeException e) {
      log.warn("Network {} was not removed: {}", name, DockerErrors.message(e));
    }
  }

  @Override
  public List<Network> list() {
    try {
      return client.listNetworksCmd()
          .withFilter("label", List.of(Labels.MANAGED + "=true", Labels.SCOPE + "=" + scope))
          .exec().stream().map(this::toNetwork).toList();
    } catch (RuntimeException e) {
      throw errors.translate(e, "listing networks", null);
    }
  }

  private Optional<com.github.dockerjava.api.model.Network> byName(String name) {
    try {
      // the name filter matches substrings; keep the exact match only
      return client.listNetworksCmd().withNameFilter(name).exec().stream()
          .filter(n -> name.equals(n.getName())).findFirst();
    } catch (RuntimeException e) {
      throw errors.translate(e, "looking up network '" + name + "'", null);
    }
  }

  private Network toNetwork(com.github.dockerjava.api.model.Network network) {
    return new Network(network.getName(), network.getId(), String.valueOf(network.getDriver()),
        Labels.userLabels(network.getLabels()));
  }
}
