package dev.berth.runtime.spi;

import java.util.Objects;

/**
 * The answer of {@link RuntimeProvider#probe}: can this backend be used here, and if not, why.
 *
 * @param available whether the backend looks usable
 * @param detail what was found (e.g. {@code Docker 20.10.24 at unix:///var/run/docker.sock}) or why it is
 *     not usable and how to fix it
 */
public record Probe(boolean available, String detail) {
  public Probe {
    Objects.requireNonNull(detail, "detail");
  }

  public static Probe available(String detail) {
    return new Probe(true, detail);
  }

  public static Probe unavailable(String reason) {
    return new Probe(false, reason);
  }
}
