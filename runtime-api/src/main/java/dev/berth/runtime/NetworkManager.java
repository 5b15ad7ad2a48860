package dev.berth.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Creates and removes networks bots can join with {@link NetworkMode#named(String)}. Networks carry the
 * runtime's scope label; {@link #list()} shows only those.
 */
public interface NetworkManager extends Feature {
  /** Creates the network, or returns the existing one of that name in this scope. */
  Network create(String name, Map<String, String> labels);

  /** Removes the network; best-effort (a network still in use, or unknown, is left and logged). */
  void remove(String name);

  /** The networks of this runtime's scope. */
  List<Network> list();

  /**
   * A network.
   *
   * @param name its name
   * @param id the backend's id
   * @param driver e.g. {@code bridge}
   * @param labels its user labels
   */
  record Network(String name, String id, String driver, Map<String, String> labels) {
    public Network {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(driver, "driver");
      labels = Map.copyOf(labels);
    }
  }
}
