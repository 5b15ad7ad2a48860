package dev.berth.runtime.testkit;

import dev.berth.runtime.NetworkManager.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Engine-wide networks, separated by scope like the backends' scope label. */
final class MockNetworks {
  private final Map<String, Map<String, Network>> byScope = new ConcurrentHashMap<>();

  Network create(String scope, String name, Map<String, String> labels, String nativeId) {
    return networks(scope).computeIfAbsent(name, n -> new Network(n, nativeId, "bridge", labels));
  }

  void remove(String scope, String name) {
    networks(scope).remove(name);
  }

  List<Network> list(String scope) {
    return new ArrayList<>(networks(scope).values());
  }

  private Map<String, Network> networks(String scope) {
    return byScope.computeIfAbsent(scope, s -> new ConcurrentSkipListMap<>());
  }
}
