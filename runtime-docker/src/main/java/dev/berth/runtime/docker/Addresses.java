package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a bot listens (its container's IP) and where workloads reach this host (the bridge gateway). */
final class Addresses {
  static final String HOST_GATEWAY_NAME = "host.docker.internal";

  static final String BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";
  private static final long GUESS_SECONDS = 30;
  private static final Logger log = LoggerFactory.getLogger(Addresses.class);

  private final DockerClient client;
  private final boolean localEngine;
  private volatile Known known;

  Addresses(DockerConnection connection) {
    this.client = connection.client();
    this.localEngine = connection.endpoint().host().startsWith("unix://");
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
   * Where a container on Docker's default bridge reaches this host: the bridge's gateway, e.g.
   * {@code 172.17.0.1}. A freshly started dockerd 20.10 lists the bridge's subnet without its gateway, so
   * the gateway is also taken from a running container on the bridge, or from the bridge's interface when
   * the engine runs on this machine (a unix socket). Only where none of these tells is it guessed: the
   * first address of the subnet (Docker's own choice) or, without a subnet, {@value #HOST_GATEWAY_NAME}
   * (Docker Desktop). A fact is remembered for good; a guess for {@value #GUESS_SECONDS} seconds.
   */
  String hostAddress() {
    Known known = this.known;
    if (known != null && (known.fact || System.nanoTime() - known.until < 0)) {
      return known.address;
    }
    known = lookUp();
    this.known = known;
    return known.address;
  }

  private Known lookUp() {
    Network bridge;
    try {
      bridge = client.inspectNetworkCmd().withNetworkId("bridge").exec();
    } catch (RuntimeException e) {
      log.debug("Inspecting Docker's default bridge failed: {}", DockerErrors.message(e));
      return guess(HOST_GATEWAY_NAME);
    }
    Optional<String> fact = ipamGateway(bridge)
        .or(() -> localEngine ? interfaceAddress(bridge, Addresses::interfaceAddresses) : Optional.empty())
        .or(this::runningContainerGateway);
    if (fact.isPresent()) {
      return new Known(fact.get(), true, 0);
    }
    String guess = subnet(bridge).flatMap(Addresses::firstHost).orElse(HOST_GATEWAY_NAME);
    log.debug("Docker's default bridge names no gateway and no container on it runs; guessing {}", guess);
    return guess(guess);
  }

  private static Known guess(String address) {
    return new Known(address, false, System.nanoTime() + GUESS_SECONDS * 1_000_000_000L);
  }

  /** The gateway the bridge's IPAM configuration names (a dockerd that was restarted at least once). */
  static Optional<String> ipamGateway(Network bridge) {
    return ipv4Configs(bridge).map(Network.Ipam.Config::getGateway).filter(Addresses::nonBlank).findFirst();
  }

  /** The bridge's IPv4 subnet, e.g. {@code 172.17.0.0/16}. */
  static Optional<String> subnet(Network bridge) {
    return ipv4Configs(bridge).map(Network.Ipam.Config::getSubnet).filter(Addresses::nonBlank).findFirst();
  }

  private static Stream<Network.Ipam.Config> ipv4Configs(Network bridge) {
    if (bridge.getIpam() == null || bridge.getIpam().getConfig() == null) {
      return Stream.empty();
    }
    return bridge.getIpam().getConfig().stream().filter(config -> config.getSubnet() == null
        || !config.getSubnet().contains(":"));
  }

  /**
   * The address of the bridge's own interface ({@code com.docker.network.bridge.name}, e.g. docker0) in its
   * subnet: the gateway, when the engine runs on this machine.
   */
  static Optional<String> interfaceAddress(Network bridge, Function<String, List<String>> addressesOf) {
    String name = bridge.getOptions() == null ? null : bridge.getOptions().get(BRIDGE_NAME_OPTION);
    Optional<String> subnet = subnet(bridge);
    if (name == null || subnet.isEmpty()) {
      return Optional.empty();
    }
    return addressesOf.apply(name).stream().filter(address -> inSubnet(address, subnet.get())).findFirst();
  }

  private Optional<String> runningContainerGateway() {
    try {
      return client.listContainersCmd().withNetworkFilter(List.of("bridge")).withStatusFilter(List.of("running"))
          .withLimit(1).exec().stream().map(container -> container.getNetworkSettings())
          .filter(Objects::nonNull).map(settings -> settings.getNetworks().get("bridge"))
          .filter(Objects::nonNull).map(ContainerNetwork::getGateway).filter(Addresses::nonBlank)
          .findFirst();
    } catch (RuntimeException e) {
      log.debug("Listing containers on Docker's default bridge failed: {}", DockerErrors.message(e));
      return Optional.empty();
    }
  }

  private static List<String> interfaceAddresses(String name) {
    try {
      NetworkInterface bridge = NetworkInterface.getByName(name);
      if (bridge == null) {
        return List.of();
      }
      return bridge.inetAddresses().filter(address -> address instanceof Inet4Address)
          .map(InetAddress::getHostAddress).collect(Collectors.toList());
    } catch (SocketException e) {
      return List.of();
    }
  }

  /** Whether the IPv4 {@code address} lies in {@code cidr}, e.g. 172.17.0.1 in 172.17.0.0/16. */
  static boolean inSubnet(String address, String cidr) {
    OptionalLong ip = ipv4(address);
    String[] parts = cidr.split("/", 2);
    OptionalLong network = ipv4(parts[0]);
    if (ip.isEmpty() || network.isEmpty() || parts.length != 2) {
      return false;
    }
    try {
      int bits = Integer.parseInt(parts[1]);
      if (bits < 0 || bits > 32) {
        return false;
      }
      long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
      return (ip.getAsLong() & mask) == (network.getAsLong() & mask);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The first usable address of an IPv4 subnet: 172.17.0.0/16 → 172.17.0.1. */
  static Optional<String> firstHost(String cidr) {
    String[] parts = cidr.split("/", 2);
    OptionalLong network = ipv4(parts[0]);
    if (network.isEmpty() || !inSubnet(parts[0], cidr)) {
      return Optional.empty();
    }
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    long first = (network.getAsLong() & mask) + 1;
    return Optional.of((first >> 24 & 0xFF) + "." + (first >> 16 & 0xFF) + "." + (first >> 8 & 0xFF) + "."
        + (first & 0xFF));
  }

  private static OptionalLong ipv4(String text) {
    String[] octets = text.trim().split("\\.", -1);
    if (octets.length != 4) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (String octet : octets) {
      try {
        int part = Integer.parseInt(octet);
        if (part < 0 || part > 255 || octet.isEmpty() || octet.length() > 3) {
          return OptionalLong.empty();
        }
        value = value << 8 | part;
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(value);
  }

  private static boolean nonBlank(String text) {
    return text != null && !text.isBlank();
  }

  /** A host address and whether it is a fact (kept for good) or a guess (kept until {@code until}). */
  private record Known(String address, boolean fact, long until) {}
}
