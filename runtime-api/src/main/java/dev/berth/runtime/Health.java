package dev.berth.runtime;

import java.util.Objects;

/**
 * Whether a runtime can serve calls now, and why not.
 *
 * @param healthy true when calls are expected to succeed
 * @param version the backend's version, e.g. {@code Docker 20.10.24 (API 1.41)}; empty when unknown
 * @param message why it is unhealthy and how to fix it, or a short description when healthy
 */
public record Health(boolean healthy, String version, String message) {
  public Health {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(message, "message");
  }

  public static Health healthy(String version) {
    return new Health(true, version, "ok");
  }

  public static Health unhealthy(String message) {
    return new Health(false, "", message);
  }
}
