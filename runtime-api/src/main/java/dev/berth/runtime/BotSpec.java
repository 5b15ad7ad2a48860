package dev.berth.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A long-lived bot: what to run, with which code, configuration and limits. Immutable and validated on
 * construction; {@link InvalidSpecException} lists every problem at once.
 *
 * <pre>{@code
 * BotSpec spec = BotSpec.builder("momentum-btc")
 *     .image("python:3.11-slim")
 *     .codeBundle(CodeBundle.directory(Path.of("strategies/momentum")))
 *     .entrypoint("main.py")
 *     .language("python3.11")
 *     .config("{\"symbol\":\"BTC-USD\"}")
 *     .resources(Resources.builder().memory("256m").cpuMillis(500).build())
 *     .restartPolicy(RestartPolicy.onFailure(5))
 *     .build();
 * }</pre>
 */
public record BotSpec(
    String id,
    String image,
    List<String> command,
    Optional<CodeBundle> codeBundle,
    Optional<String> entrypoint,
    Optional<String> language,
    Map<String, String> env,
    String config,
    Map<String, String> labels,
    Resources resources,
    NetworkMode networkMode,
    List<PortMapping> ports,
    RestartPolicy restartPolicy,
    List<Mount> mounts,
    PullPolicy pullPolicy,
    Optional<RegistryCredentials> registryCredentials,
    Map<String, String> options) implements WorkloadSpec {

  public BotSpec {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(codeBundle, "codeBundle");
    Objects.requireNonNull(entrypoint, "entrypoint");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(networkMode, "networkMode");
    Objects.requireNonNull(restartPolicy, "restartPolicy");
    Objects.requireNonNull(pullPolicy, "pullPolicy");
    Objects.requireNonNull(registryCredentials, "registryCredentials");
    command = Violations.listCopy("command", command);
    env = Violations.sortedCopy("env", env);
    labels = Violations.sortedCopy("labels", labels);
    ports = Violations.listCopy("ports", ports);
    mounts = Violations.listCopy("mounts", mounts);
    options = Violations.sortedCopy("options", options);
    Violations violations = new Violations("BotSpec").workload(id, image, command, codeBundle, entrypoint,
        language, env, config, labels, mounts, options);
    long distinctPorts = ports.stream().map(p -> p.containerPort() + "/" + p.protocol().label()).distinct().count();
    violations.check(distinctPorts == ports.size(), "ports", "a container port is listed twice; list it once")
        .throwIfAny();
  }

  @Override
  public WorkloadKind kind() {
    return WorkloadKind.BOT;
  }

  /** A builder for a bot with this id. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** A builder pre-filled with this spec, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder for {@link BotSpec}; see the shared setters in {@link WorkloadSpecBuilder}. */
  public static final class Builder extends WorkloadSpecBuilder<BotSpec, Builder> {
    private final java.util.ArrayList<PortMapping> ports = new java.util.ArrayList<>();
    private RestartPolicy restartPolicy = RestartPolicy.NEVER;

    private Builder(String id) {
      super(id);
    }

    private Builder(BotSpec spec) {
      super(spec);
      ports.addAll(spec.ports());
      restartPolicy = spec.restartPolicy();
    }

    public Builder port(PortMapping port) {
      ports.add(port);
      return this;
    }

    public Builder restartPolicy(RestartPolicy restartPolicy) {
      this.restartPolicy = restartPolicy;
      return this;
    }

    @Override
    public BotSpec build() {
      return new BotSpec(id, image, command, Optional.ofNullable(codeBundle), Optional.ofNullable(entrypoint),
          Optional.ofNullable(language), env, config, labels, resources, networkMode, ports, restartPolicy,
          mounts, pullPolicy, Optional.ofNullable(registryCredentials), options);
    }
  }
}
