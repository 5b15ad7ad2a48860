package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import java.util.Map;
import java.util.Optional;

/** Where a bot listens (its container's IP) and where workloads reach this host (the bridge gateway). */
final class Addresses {
  static final String HOST_GATEWAY_NAME = "host.docker.internal";

  private final DockerClient client;
  private volatile String hostAddress;

  Addresses(DockerConnection connection) {
    this.client = connection.client();
  }

  /** The container's IP on its network; the loopback address for host networking; empty without one. */
  static Optional<String> of(InspectContainerResponse container) {
    String mode = container.getHostConfig() == null ? "" : String.valueOf(container.getHostConfig().getNetworkMode());
    if (mode.equals("host")) {
      return Optional.of("127.0.0.1");
    }
    if (container.getNetworkSettings() == null) {
      return Optional.empty();
    }
    Map<String, ContainerNetwork> networks = container.getNetworkSettings().getNetworks();
    if (networks != null) {
      ContainerNetwork own = networks.get(mode);
      if (own != null && nonBlank(own.getIpAddress())) {
        return Optional.of(own.getIpAddress());
      }
      for (ContainerNetwork network : networks.values()) {
        if (nonBlank(network.getIpAddress())) {
          return Optional.of(network.getIpAddress());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The gateway of Docker's default bridge (e.g. {@code 172.17.0.1}), where a container reaches this host;
   * {@value #HOST_GATEWAY_NAME} where the bridge has none (Docker Desktop). Asked once, then remembered.
   */
  String hostAddress() {
    String known = hostAddress;
    if (known == null) {
      known = bridgeGateway().orElse(HOST_GATEWAY_NAME);
      hostAddress = known;
    }
    return known;
  }

  private Optional<String> bridgeGateway() {
    try {
      Network bridge = client.inspectNetworkCmd().withNetworkId("bridge").exec();
      if (bridge.getIpam() == null || bridge.getIpam().getConfig() == null) {
        return Optional.empty();
      }
      return bridge.getIpam().getConfig().stream().map(Network.Ipam.Config::getGateway)
          .filter(Addresses::nonBlank).filter(g -> !g.contains(":")).findFirst();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean nonBlank(String text) {
    return text != null && !text.isBlank();
  }
}
