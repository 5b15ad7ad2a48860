package dev.berth.runtime;

import java.util.Objects;

/**
 * How a workload is networked. {@link #DEFAULT} lets the backend choose (Docker's bridge, the pod network,
 * the host for local processes).
 *
 * @param kind the mode
 * @param name the network name, only for {@link Kind#NAMED}, else empty
 */
public record NetworkMode(Kind kind, String name) {
  public static final NetworkMode DEFAULT = new NetworkMode(Kind.DEFAULT, "");
  public static final NetworkMode BRIDGE = new NetworkMode(Kind.BRIDGE, "");
  public static final NetworkMode HOST = new NetworkMode(Kind.HOST, "");
  public static final NetworkMode NONE = new NetworkMode(Kind.NONE, "");

  /** The network modes a backend may offer. */
  public enum Kind { DEFAULT, BRIDGE, HOST, NONE, NAMED }

  public NetworkMode {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    new Violations("NetworkMode")
        .check(kind != Kind.NAMED || !name.isBlank(), "networkMode.name",
            "is empty; a named network needs a name, e.g. NetworkMode.named(\"bots\")")
        .check(kind == Kind.NAMED || name.isEmpty(), "networkMode.name",
            "is only meaningful for a named network; use NetworkMode.named(\"" + name + "\")")
        .throwIfAny();
  }

  /** A user-defined network, created with {@link NetworkManager} or by other means. */
  public static NetworkMode named(String name) {
    return new NetworkMode(Kind.NAMED, name);
  }

  @Override
  public String toString() {
    return kind == Kind.NAMED ? "network:" + name : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
