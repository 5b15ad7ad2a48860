package dev.berth.runtime;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a runtime enforces and supports, so a caller can decide before it creates a bot (and tests can
 * skip what a backend cannot do).
 *
 * @param enforcesMemoryLimit memory limits are applied (not just recorded)
 * @param enforcesCpuLimit CPU limits are applied
 * @param enforcesPidsLimit pids limits are applied
 * @param detectsOomKill {@link BotStatus#oomKilled()} is reported
 * @param networkModes the network modes {@code create} accepts
 * @param restartPolicies the restart policies {@code create} accepts
 * @param publishesPorts {@link BotSpec#ports()} are published
 * @param runsImages {@link BotSpec#image()} is honoured (false for local processes)
 */
public record Capabilities(
    boolean enforcesMemoryLimit,
    boolean enforcesCpuLimit,
    boolean enforcesPidsLimit,
    boolean detectsOomKill,
    Set<NetworkMode.Kind> networkModes,
    Set<RestartPolicy.Kind> restartPolicies,
    boolean publishesPorts,
    boolean runsImages) {

  public Capabilities {
    Objects.requireNonNull(networkModes, "networkModes");
    Objects.requireNonNull(restartPolicies, "restartPolicies");
    networkModes = Set.copyOf(networkModes);
    restartPolicies = Set.copyOf(restartPolicies);
  }

  public boolean supports(NetworkMode mode) {
    return networkModes.contains(mode.kind());
  }

  public boolean supports(RestartPolicy policy) {
    return restartPolicies.contains(policy.kind());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link Capabilities}; starts with nothing enforced, default network, no restarts. */
  public static final class Builder {
    private boolean memory;
    private boolean cpu;
    private boolean pids;
    private boolean oom;
    private Set<NetworkMode.Kind> networkModes = EnumSet.of(NetworkMode.Kind.DEFAULT);
    private Set<RestartPolicy.Kind> restartPolicies = EnumSet.of(RestartPolicy.Kind.NEVER);
    private boolean ports;
    private boolean images;

    private Builder() {}

    public Builder enforcesMemoryLimit(boolean value) {
      this.memory = value;
      return this;
    }

    public Builder enforcesCpuLimit(boolean value) {
      this.cpu = value;
      return this;
    }

    public Builder enforcesPidsLimit(boolean value) {
      this.pids = value;
      return this;
    }

    public Builder detectsOomKill(boolean value) {
      this.oom = value;
      return this;
    }

    public Builder networkModes(Set<NetworkMode.Kind> value) {
      this.networkModes = value;
      return this;
    }

    public Builder restartPolicies(Set<RestartPolicy.Kind> value) {
      this.restartPolicies = value;
      return this;
    }

    public Builder publishesPorts(boolean value) {
      this.ports = value;
      return this;
    }

    public Builder runsImages(boolean value) {
      this.images = value;
      return this;
    }

    public Capabilities build() {
      return new Capabilities(memory, cpu, pids, oom, networkModes, restartPolicies, ports, images);
    }
  }
}
