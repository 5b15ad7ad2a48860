package dev.berth.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Changes to apply to an existing bot with {@link Runtime#update(String, BotUpdate)}. Resources and
 * restart policy are changed in place where the backend can; image, env or config changes recreate the
 * workload (it keeps its id and, if it was running, runs again afterwards).
 *
 * <pre>{@code
 * runtime.update("momentum-btc", BotUpdate.builder().resources(Resources.builder().memory("1g").build()).build());
 * }</pre>
 */
public record BotUpdate(
    Optional<String> image,
    Optional<Map<String, String>> env,
    Optional<String> config,
    Optional<Resources> resources,
    Optional<RestartPolicy> restartPolicy) {

  public BotUpdate {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(restartPolicy, "restartPolicy");
    env = env.map(e -> Violations.sortedCopy("env", e));
    Violations violations = new Violations("BotUpdate");
    env.ifPresent(e -> violations.env("env", e));
    config.ifPresent(c -> violations.json("config", c));
    violations.check(image.isEmpty() || !image.get().isBlank(), "image",
        "is blank; give an image reference or leave it unset");
    violations.throwIfAny();
  }

  /** True when nothing would change. */
  public boolean isEmpty() {
    return image.isEmpty() && env.isEmpty() && config.isEmpty() && resources.isEmpty()
        && restartPolicy.isEmpty();
  }

  /** True when the workload must be recreated (image, env or config change). */
  public boolean requiresRecreate() {
    return image.isPresent() || env.isPresent() || config.isPresent();
  }

  /** The spec with these changes applied; validated like any spec. */
  public BotSpec applyTo(BotSpec spec) {
    BotSpec.Builder builder = spec.toBuilder();
    image.ifPresent(builder::image);
    env.ifPresent(builder::env);
    config.ifPresent(builder::config);
    resources.ifPresent(builder::resources);
    restartPolicy.ifPresent(builder::restartPolicy);
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link BotUpdate}. */
  public static final class Builder {
    private String image;
    private Map<String, String> env;
    private String config;
    private Resources resources;
    private RestartPolicy restartPolicy;

    private Builder() {}

    public Builder image(String image) {
      this.image = image;
      return this;
    }

    /** Replaces the whole environment. */
    public Builder env(Map<String, String> env) {
      this.env = env;
      return this;
    }

    public Builder config(String configJson) {
      this.config = configJson;
      return this;
    }

    public Builder resources(Resources resources) {
      this.resources = resources;
      return this;
    }

    public Builder restartPolicy(RestartPolicy restartPolicy) {
      this.restartPolicy = restartPolicy;
      return this;
    }

    public BotUpdate build() {
      return new BotUpdate(Optional.ofNullable(image), Optional.ofNullable(env), Optional.ofNullable(config),
          Optional.ofNullable(resources), Optional.ofNullable(restartPolicy));
    }
  }
}
