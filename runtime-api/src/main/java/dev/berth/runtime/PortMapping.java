package dev.berth.runtime;

import java.util.Objects;

/**
 * A port the workload listens on, optionally published on the host.
 *
 * @param containerPort the port inside the workload, 1..65535
 * @param hostPort the host port to publish on, 0 to let the backend choose
 * @param protocol {@code tcp} or {@code udp}
 */
public record PortMapping(int containerPort, int hostPort, String protocol) {
  public PortMapping {
    Objects.requireNonNull(protocol, "protocol");
    new Violations("PortMapping")
        .check(containerPort >= 1 && containerPort <= 65535, "ports.containerPort",
            containerPort + " is not a port; use 1..65535")
        .check(hostPort >= 0 && hostPort <= 65535, "ports.hostPort",
            hostPort + " is not a port; use 1..65535, or 0 to let the runtime choose")
        .check(protocol.equals("tcp") || protocol.equals("udp"), "ports.protocol",
            "'" + protocol + "' is not supported; use tcp or udp")
        .throwIfAny();
  }

  /** A TCP port published on a host port the backend chooses. */
  public static PortMapping tcp(int containerPort) {
    return new PortMapping(containerPort, 0, "tcp");
  }

  /** A TCP port published on a fixed host port. */
  public static PortMapping tcp(int containerPort, int hostPort) {
    return new PortMapping(containerPort, hostPort, "tcp");
  }
}
