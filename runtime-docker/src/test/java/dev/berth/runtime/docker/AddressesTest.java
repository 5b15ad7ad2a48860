package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressesTest {
  /** {@code docker network inspect bridge} on a dockerd 20.10 that was just started for the first time. */
  private static final String FRESH_BRIDGE = "{\"Name\":\"bridge\",\"Driver\":\"bridge\",\"IPAM\":{\"Driver\":"
      + "\"default\",\"Options\":null,\"Config\":[{\"Subnet\":\"172.17.0.0/16\"}]},\"Options\":{"
      + "\"com.docker.network.bridge.default_bridge\":\"true\",\"com.docker.network.bridge.name\":\"docker0\"}}";
  /** The same bridge after a restart of dockerd: now the gateway is listed. */
  private static final String RESTARTED_BRIDGE = "{\"Name\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":"
      + "\"fd00::/64\"},{\"Subnet\":\"172.18.0.0/16\",\"Gateway\":\"172.18.0.1\"}]},\"Options\":{}}";

  private static Network network(String json) throws Exception {
    return new ObjectMapper().readValue(json, Network.class);
  }

  @Test
  void theIpamGatewayIsUsedWhereDockerListsIt() throws Exception {
    assertThat(Addresses.ipamGateway(network(RESTARTED_BRIDGE))).contains("172.18.0.1");
    assertThat(Addresses.ipamGateway(network(FRESH_BRIDGE))).isEmpty();
  }

  @Test
  void onAFreshEngineTheBridgeInterfaceAddressInTheSubnetIsTheGateway() throws Exception {
    Map<String, List<String>> interfaces = Map.of("docker0", List.of("10.0.0.5", "172.17.0.1"));
    assertThat(Addresses.interfaceAddress(network(FRESH_BRIDGE), name -> interfaces.getOrDefault(name, List.of())))
        .contains("172.17.0.1");
    assertThat(Addresses.interfaceAddress(network(FRESH_BRIDGE), name -> List.of("10.0.0.5")))
        .as("an interface address outside the bridge's subnet").isEmpty();
    assertThat(Addresses.interfaceAddress(network(RESTARTED_BRIDGE), name -> List.of("172.18.0.1")))
        .as("no bridge name in the options").isEmpty();
  }

  @Test
  void subnetsAreParsedStrictly() throws Exception {
    assertThat(Addresses.subnet(network(FRESH_BRIDGE))).contains("172.17.0.0/16");
    assertThat(Addresses.subnet(network(RESTARTED_BRIDGE))).as("IPv6 subnets are skipped").contains("172.18.0.0/16");
    assertThat(Addresses.firstHost("172.17.0.0/16")).contains("172.17.0.1");
    assertThat(Addresses.firstHost("192.168.7.0/24")).contains("192.168.7.1");
    assertThat(Addresses.firstHost("172.17.0.5/16")).as("not the network's own address").contains("172.17.0.1");
    assertThat(Addresses.firstHost("fd00::/64")).isEmpty();
    assertThat(Addresses.inSubnet("172.17.255.254", "172.17.0.0/16")).isTrue();
    assertThat(Addresses.inSubnet("172.18.0.1", "172.17.0.0/16")).isFalse();
    assertThat(Addresses.inSubnet("172.17.0.1", "172.17.0.0/33")).isFalse();
    assertThat(Addresses.inSubnet("172.17.0.256", "172.17.0.0/16")).isFalse();
    assertThat(Addresses.inSubnet("1.2.3.4", "0.0.0.0/0")).isTrue();
  }
}
