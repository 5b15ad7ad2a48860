package dev.berth.runtime.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What belongs to the test fixtures a kit's JVM runs beside the backend (an emulated API server, a simulated
 * node) rather than to the runtime under test: the leak checks count neither these threads nor these
 * connections.
 *
 * @param thread whether a thread is left uncounted (a fixture's, or one of a library's JVM-wide pool)
 * @param connection whether a TCP connection, by its local and remote port, is a fixture's
 * @param otherSockets whether sockets other than TCP ones (Unix sockets) count at all
 */
record Fixtures(Predicate<Thread> thread, ConnectionFilter connection, boolean otherSockets) {
  /** No fixtures: everything counts. */
  static final Fixtures NONE = new Fixtures(t -> false, (local, remote) -> false, true);

  private static final List<Path> TCP_TABLES = List.of(Path.of("/proc/self/net/tcp"), Path.of("/proc/self/net/tcp6"));

  /** A test on a connection's ports. */
  @FunctionalInterface
  interface ConnectionFilter {
    boolean test(int localPort, int remotePort);
  }

  /**
   * The socket inodes ({@code socket:[inode]} in {@code /proc/self/fd}) of this process's network namespace
   * whose TCP connection is a fixture's; empty where the kernel's tables cannot be read.
   */
  Set<String> fixtureSockets() {
    if (this == NONE) {
      return Set.of();
    }
    Set<String> inodes = new HashSet<>();
    tcpConnections().forEach((inode, ports) -> {
      if (connection.test(ports[0], ports[1])) {
        inodes.add(inode);
      }
    });
    return inodes;
  }

  /** Whether a descriptor target counts: not a fixture's connection, nor an uncounted kind of socket. */
  Predicate<String> counted() {
    if (this == NONE) {
      return target -> true;
    }
    Set<String> fixtureSockets = fixtureSockets();
    Set<String> tcp = otherSockets ? Set.of() : tcpConnections().keySet();
    return target -> !fixtureSockets.contains(target)
        && (otherSockets || !target.startsWith("socket:") || tcp.contains(target));
  }

  /**
   * The TCP connections of this process's network namespace: {@code socket:[inode]} to its local and remote
   * port; empty where the kernel's tables cannot be read. Sockets not in it are of other kinds (Unix ones).
   */
  static Map<String, int[]> tcpConnections() {
    Map<String, int[]> connections = new HashMap<>();
    for (Path table : TCP_TABLES) {
      List<String> rows;
      try {
        rows = Files.readAllLines(table);
      } catch (IOException e) {
        continue;
      }
      for (String row : rows.subList(Math.min(1, rows.size()), rows.size())) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        String[] fields = row.trim().split("\\s+");
        if (fields.length > 9) {
          connections.put("socket:[" + fields[9] + "]", new int[] {port(fields[1]), port(fields[2])});
        }
      }
    }
    return connections;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
  }
}
