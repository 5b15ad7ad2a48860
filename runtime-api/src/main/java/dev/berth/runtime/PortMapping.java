package dev.berth.runtime;

import java.util.Locale;
import java.util.Objects;

/**
 * A port the workload listens on, optionally published on the host.
 *
 * @param containerPort the port inside the workload, 1..65535
 * @param hostPort the host port to publish on, 0 to let the backend choose
 * @param protocol {@link Protocol#TCP} or {@link Protocol#UDP}
 */
public record PortMapping(int containerPort, int hostPort, Protocol protocol) {
  /** The transport protocol of a port. */
  public enum Protocol {
    /** TCP. */
    TCP,
    /** UDP. */
    UDP;

    /** {@code "tcp"} or {@code "udp"}, as container engines write it ({@code 53/udp}). */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public PortMapping {
    Objects.requireNonNull(protocol, "protocol");
    new Violations("PortMapping")
        .check(containerPort >= 1 && containerPort <= 65535, "ports.containerPort",
            containerPort + " is not a port; use 1..65535")
        .check(hostPort >= 0 && hostPort <= 65535, "ports.hostPort",
            hostPort + " is not a port; use 1..65535, or 0 to let the runtime choose")
        .throwIfAny();
  }

  /** A TCP port published on a host port the backend chooses. */
  public static PortMapping tcp(int containerPort) {
    return new PortMapping(containerPort, 0, Protocol.TCP);
  }

  /** A TCP port published on a fixed host port. */
  public static PortMapping tcp(int containerPort, int hostPort) {
    return new PortMapping(containerPort, hostPort, Protocol.TCP);
  }

  /** A UDP port published on a host port the backend chooses. */
  public static PortMapping udp(int containerPort) {
    return new PortMapping(containerPort, 0, Protocol.UDP);
  }
}
