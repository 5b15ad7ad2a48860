package dev.berth.runtime.spi;

import java.util.Objects;

/**
 * The answer of {@link RuntimeProvider#probe}: can this backend be used here, and if not, why.
 *
 * <pre>{@code
 * return socketFound ? Probe.pass("Docker 20.10.24 at unix:///var/run/docker.sock")
 *     : Probe.fail("no socket at /var/run/docker.sock; start dockerd or set DOCKER_HOST");
 * }</pre>
 *
 * @param passed whether the backend looks usable
 * @param detail what was found, or why it is not usable and how to fix it
 */
public record Probe(boolean passed, String detail) {
  public Probe {
    Objects.requireNonNull(detail, "detail");
  }

  /** The backend looks usable; {@code detail} says what was found. */
  public static Probe pass(String detail) {
    return new Probe(true, detail);
  }

  /** The backend is not usable here; {@code reason} says why and how to fix it. */
  public static Probe fail(String reason) {
    return new Probe(false, reason);
  }
}
