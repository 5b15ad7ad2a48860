package dev.berth.runtime;

import java.util.Objects;

/**
 * Credentials for pulling a private image. {@link #toString()} never shows the password.
 *
 * @param registry the registry host, e.g. {@code ghcr.io}
 * @param username the user name
 * @param password the password or token
 */
public record RegistryCredentials(String registry, String username, String password) {
  public RegistryCredentials {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    new Violations("RegistryCredentials")
        .check(!registry.isBlank(), "registryCredentials.registry", "is empty; give a host such as ghcr.io")
        .check(!username.isBlank(), "registryCredentials.username", "is empty")
        .throwIfAny();
  }

  @Override
  public String toString() {
    return "RegistryCredentials[registry=" + registry + ", username=" + username + ", password=***]";
  }
}
